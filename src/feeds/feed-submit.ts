import { isAmazonError } from '../amazon/errors.js';
import type { AmazonFeed } from '../amazon/port.js';
import { closeWithoutVerdict } from './feed-close.js';
import { followDelayMs, type FeedPipeline } from './feed-pipeline.js';
import type { FeedKind } from './feed-states.js';
import { loadCursor } from '../jobs/sync-cursors.repository.js';
import { ORDERS_STREAM, type OrderCursor } from '../orders/download-window.js';
import { knownAmazonFeedIds, listFeeds, moveFeed, readFeedContent, type Feed } from './feeds.repository.js';

/**
 * Sending a stored feed to Amazon, exactly once:
 *   prepared → uploaded    createFeedDocument + PUT; the document id is recorded
 *   uploaded → submitting  the attempt's start time is recorded *before* createFeed
 *   submitting → submitted createFeed's feed id is recorded
 * A feed found in `submitting` (the process died, or createFeed failed in a way that may have
 * reached Amazon) is first searched for with getFeeds; createFeed is called again only if it is not there.
 */

/** Amazon's clock may differ from ours; a feed created this long before our recorded attempt still matches. */
export const CLOCK_SKEW_MS = 5 * 60_000;

async function uploadDocument(pipeline: FeedPipeline, feed: Feed): Promise<Feed> {
  const { content, contentType } = await readFeedContent(pipeline.db, feed.id);
  const document = await pipeline.amazon.createFeedDocument(contentType);
  await pipeline.amazon.uploadFeedDocument(document.url, contentType, content);
  const moved = await moveFeed(pipeline.db, feed.id, 'uploaded', { document_id: document.feedDocumentId });
  if (!moved) throw new Error(`feed ${feed.id} changed state while its document was uploaded`);
  return moved;
}

/** Amazon's clock minus ours, as the order download last measured it (0 when unknown). */
async function amazonClockOffsetMs(pipeline: FeedPipeline, companyId: number): Promise<number> {
  const cursor = await loadCursor<OrderCursor>(pipeline.db, companyId, ORDERS_STREAM);
  return typeof cursor?.clockOffsetMs === 'number' ? cursor.clockOffsetMs : 0;
}

/** The earliest Amazon createdTime our interrupted attempt can have: its start on Amazon's clock, less the skew. */
function searchFrom(feed: Feed, offsetMs: number): Date {
  return new Date((feed.submitStartedAt?.getTime() ?? feed.createdAt.getTime()) + offsetMs - CLOCK_SKEW_MS);
}

/**
 * The matching rule of the getFeeds search: same feed type, created at or after our recorded attempt
 * (on Amazon's clock, less the skew), and not already recorded as one of our feeds; the earliest such
 * feed is ours. getFeeds does not return the input document id, so it cannot take part in the match.
 */
export function matchSubmittedFeed(
  feed: Feed,
  candidates: AmazonFeed[],
  known: Set<string>,
  offsetMs = 0,
): AmazonFeed | undefined {
  const since = searchFrom(feed, offsetMs).getTime();
  return candidates
    .filter((c) => c.feedType === feed.feedType && Date.parse(c.createdTime) >= since && !known.has(c.feedId))
    .sort((a, b) => Date.parse(a.createdTime) - Date.parse(b.createdTime))[0];
}

async function findOnAmazon(pipeline: FeedPipeline, feed: Feed): Promise<AmazonFeed | undefined> {
  const offsetMs = await amazonClockOffsetMs(pipeline, feed.companyId);
  const since = searchFrom(feed, offsetMs);
  const candidates: AmazonFeed[] = [];
  let page = await pipeline.amazon.getFeeds({
    feedTypes: [feed.feedType],
    marketplaceIds: feed.marketplaceIds,
    createdSince: since.toISOString(),
    pageSize: 100,
  });
  candidates.push(...page.feeds);
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
