import { isAmazonError } from '../amazon/errors.js';
import type { AmazonFeed } from '../amazon/port.js';
import { closeWithoutVerdict } from './feed-close.js';
import { followDelayMs, type FeedPipeline } from './feed-pipeline.js';
import type { FeedKind } from './feed-kinds.js';
import { knownAmazonFeedIds, listFeeds, moveFeed, readFeedContent, type Feed } from './feeds.repository.js';

/**
 * Sending a stored feed to Amazon, exactly once:
 *   prepared → uploaded    createFeedDocument + PUT; the document id is recorded
 *   uploaded → submitting  the attempt's start time is recorded *before* createFeed
 *   submitting → submitted createFeed's feed id is recorded
 * A feed found in `submitting` (the process died, or createFeed failed in a way that may have
 * reached Amazon) is first searched for with getFeeds; createFeed is called again only if it is not there.
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

async function uploadDocument(pipeline: FeedPipeline, feed: Feed): Promise<Feed> {
  const { content, contentType } = await readFeedContent(pipeline.db, feed.id);
  const document = await pipeline.amazon.createFeedDocument(contentType);
  await pipeline.amazon.uploadFeedDocument(document.url, contentType, content);
  const moved = await moveFeed(pipeline.db, feed.id, 'uploaded', { document_id: document.feedDocumentId });
  if (!moved) throw new Error(`feed ${feed.id} changed state while its document was uploaded`);
  return moved;
}

function attemptStart(feed: Feed): number {
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
 * The matching rule of the getFeeds search: same feed type, created at or after our recorded attempt
 * (moved to Amazon's clock by `offsetMs`, Amazon's time minus ours as measured from the getFeeds
 * response, less the skew), and not already recorded as one of our feeds; the earliest such feed is
 * ours. getFeeds does not return the input document id, so it cannot take part in the match.
 */
export function matchSubmittedFeed(
  feed: Feed,
  candidates: AmazonFeed[],
  known: Set<string>,
  offsetMs: number,
): AmazonFeed | undefined {
  const since = attemptStart(feed) + offsetMs - CLOCK_SKEW_MS;
  return candidates
    .filter((c) => c.feedType === feed.feedType && Date.parse(c.createdTime) >= since && !known.has(c.feedId))
    .sort((a, b) => Date.parse(a.createdTime) - Date.parse(b.createdTime))[0];
}

async function findOnAmazon(pipeline: FeedPipeline, feed: Feed): Promise<AmazonFeed | undefined> {
  let page = await pipeline.amazon.getFeeds({
    feedTypes: [feed.feedType],
    marketplaceIds: feed.marketplaceIds,
    createdSince: feedSearchSince(feed, new Date()).toISOString(),
    pageSize: 100,
  });
  const offsetMs = page.amazonTime.getTime() - Date.now();
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
  return matchSubmittedFeed(feed, candidates, known, offsetMs);
}

async function recordSubmitted(
  pipeline: FeedPipeline,
  feed: Feed,
  amazonFeedId: string,
  status: string,
): Promise<Feed> {
  const moved = await moveFeed(pipeline.db, feed.id, 'submitted', {
    amazon_feed_id: amazonFeedId,
    amazon_status: status,
    next_check_at: new Date(Date.now() + followDelayMs(0)),
  });
  if (!moved) throw new Error(`feed ${feed.id} changed state while it was submitted`);
  return moved;
}

async function submit(pipeline: FeedPipeline, feed: Feed): Promise<Feed | null> {
  if (feed.state === 'submitting') {
    const found = await findOnAmazon(pipeline, feed);
    if (found) {
      pipeline.logger.warn(
        { feedId: feed.id, amazonFeedId: found.feedId },
        'feed found on Amazon after an interrupted submission',
      );
      return recordSubmitted(pipeline, feed, found.feedId, found.processingStatus);
    }
  } else {
    const moved = await moveFeed(pipeline.db, feed.id, 'submitting', { submit_started_at: new Date() });
    if (!moved) throw new Error(`feed ${feed.id} changed state before it was submitted`);
    feed = moved;
  }
  try {
    const { feedId } = await pipeline.amazon.createFeed({
      feedType: feed.feedType,
      marketplaceIds: feed.marketplaceIds,
      inputFeedDocumentId: feed.documentId ?? '',
    });
    return await recordSubmitted(pipeline, feed, feedId, 'IN_QUEUE');
  } catch (err) {
    if (!isAmazonError(err, 'invalid_request')) throw err;
    pipeline.logger.error({ feedId: feed.id, err }, 'Amazon refused the feed');
    await closeWithoutVerdict(pipeline, feed, 'refused', `createFeed refused: ${err.message}`, null);
    return null;
  }
}

/** Uploads and submits every open feed of the kind not yet at Amazon, oldest first, one at a time. */
export async function submitOpenFeeds(
  pipeline: FeedPipeline,
  companyId: number,
  kind: FeedKind,
): Promise<Feed[]> {
  const submitted: Feed[] = [];
  for (let feed of await listFeeds(pipeline.db, companyId, {
    kind,
    states: ['prepared', 'uploaded', 'submitting'],
  })) {
    if (feed.state === 'prepared') feed = await uploadDocument(pipeline, feed);
    const result = await submit(pipeline, feed);
    if (result) submitted.push(result);
  }
  return submitted;
}
