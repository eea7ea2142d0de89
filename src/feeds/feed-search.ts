import type { AmazonFeed } from '../amazon/port.js';
import type { FeedPipeline } from './feed-pipeline.js';
import { knownAmazonFeedIds, type Feed } from './feeds.repository.js';

/**
 * Looking for a feed whose createFeed may have reached Amazon without us recording its id: getFeeds
 * does not return the input document id, so the feed is recognised by type, time and being unknown.
 */

/**
 * What remains of the clock difference once it is measured from getFeeds' own `Date` header (whole
 * seconds, the response's travel, our clock's corrections since the attempt): a feed created this long
 * before our recorded attempt still matches.
 */
export const CLOCK_SKEW_MS = 5 * 60_000;

/**
 * How far before the recorded attempt getFeeds is asked to look: wider than any clock difference we
 * may meet (a clock left a day off included), so the search does not depend on it. The match then
 * narrows the window with the measured offset; a wider search costs only a few more pages.
 */
export const SEARCH_MARGIN_MS = 2 * 86_400_000;

/** Amazon lists feeds, and accepts `createdSince`, at most this far back. */
const GET_FEEDS_MAX_AGE_MS = 90 * 86_400_000;

export function attemptStart(feed: Feed): number {
  return (feed.submitStartedAt ?? feed.createdAt).getTime();
}

/**
 * The `createdSince` of the getFeeds search, in our time: `SEARCH_MARGIN_MS` before the recorded
 * attempt, so that no clock difference can hide our feed, but within the 90 days Amazon accepts.
 */
export function feedSearchSince(feed: Feed, now: Date): Date {
  const oldestAccepted = now.getTime() - GET_FEEDS_MAX_AGE_MS + SEARCH_MARGIN_MS;
  return new Date(Math.max(attemptStart(feed) - SEARCH_MARGIN_MS, oldestAccepted));
}

/**
 * How much earlier than the `Date` Amazon gave just before our attempt the feed's `createdTime` may
 * read: both are Amazon's clock, but from different servers, and the `Date` is in whole seconds.
 */
export const AMAZON_CLOCK_SLACK_MS = 60_000;

/**
 * The earliest `createdTime`, on Amazon's clock, our attempt's feed can have. With Amazon's clock
 * recorded at the attempt, that clock alone decides, whatever either clock did since. Rows without
 * it fall back to our recorded attempt moved to Amazon's clock by `offsetMs` (Amazon's time minus
 * ours, measured at the search), less the skew: a clock step in between beyond the skew defeats it.
 */
export function earliestCreatedTime(feed: Feed, offsetMs: number): number {
  if (feed.submitStartedAmazonAt) return feed.submitStartedAmazonAt.getTime() - AMAZON_CLOCK_SLACK_MS;
  return attemptStart(feed) + offsetMs - CLOCK_SKEW_MS;
}

/**
 * The matching rule of the getFeeds search: same feed type, created no earlier than our attempt
 * (`earliestCreatedTime`), and not already recorded as one of our feeds; the earliest such feed is
 * ours. getFeeds does not return the input document id, so it cannot take part in the match.
 */
export function matchSubmittedFeed(
  feed: Feed,
  candidates: AmazonFeed[],
  known: Set<string>,
  offsetMs: number,
): AmazonFeed | undefined {
  const since = earliestCreatedTime(feed, offsetMs);
  return candidates
    .filter((c) => c.feedType === feed.feedType && Date.parse(c.createdTime) >= since && !known.has(c.feedId))
    .sort((a, b) => Date.parse(a.createdTime) - Date.parse(b.createdTime))[0];
}

/**
 * Searches getFeeds over the whole window since the attempt; the feed it finds, if any, is ours.
 * `amazonTime` is Amazon's clock at the search's first answer, for a new attempt should none be found.
 */
export async function findOnAmazon(
  pipeline: FeedPipeline,
  feed: Feed,
  now: Date,
): Promise<{ found: AmazonFeed | undefined; amazonTime: Date }> {
  let page = await pipeline.amazon.getFeeds({
    feedTypes: [feed.feedType],
    marketplaceIds: feed.marketplaceIds,
    createdSince: feedSearchSince(feed, now).toISOString(),
    pageSize: 100,
  });
  const amazonTime = page.amazonTime;
  const offsetMs = amazonTime.getTime() - now.getTime();
  const candidates: AmazonFeed[] = [...page.feeds];
  while (page.nextToken) {
    page = await pipeline.amazon.getFeeds({ nextToken: page.nextToken });
    candidates.push(...page.feeds);
  }
  const known = await knownAmazonFeedIds(
    pipeline.db,
    feed.companyId,
    candidates.map((c) => c.feedId),
  );
  return { found: matchSubmittedFeed(feed, candidates, known, offsetMs), amazonTime };
}
