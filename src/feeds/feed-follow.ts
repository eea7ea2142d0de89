import type { Readable } from 'node:stream';
import { isAmazonError } from '../amazon/errors.js';
import type { AmazonFeed } from '../amazon/port.js';
import { closeWithoutVerdict, closeWithReport, feedEntities } from './feed-close.js';
import { followDelayMs, type FeedPipeline } from './feed-pipeline.js';
import { judgeReport } from './feed-verdicts.js';
import { listFeeds, updateSubmittedFeed, type Feed } from './feeds.repository.js';
import { parseProcessingReport } from './processing-report.js';

export interface FollowOutcome {
  checked: number;
  finished: number;
  /** Milliseconds until the next feed is due for a look; null when no feed is left open. */
  nextCheckInMs: number | null;
}

async function readText(stream: Readable): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream)
    chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as string));
  return Buffer.concat(chunks).toString('utf8');
}

async function applyDoneFeed(
  pipeline: FeedPipeline,
  feed: Feed,
  status: AmazonFeed,
  now: Date,
): Promise<boolean> {
  if (!status.resultFeedDocumentId)
    throw new Error(`feed ${feed.amazonFeedId} is DONE without a result document`);
  const location = await pipeline.amazon.getFeedDocument(status.resultFeedDocumentId);
  const readReport = pipeline.kinds.get(feed.kind).readReport ?? parseProcessingReport;
  const report = readReport(await readText(await pipeline.amazon.downloadDocument(location)));
  const judgement = judgeReport(report, await feedEntities(pipeline.db, feed.id));
  const closed = await closeWithReport(pipeline, feed, judgement, report.summary, now);
  const logged = { feedId: feed.id, amazonFeedId: feed.amazonFeedId, summary: report.summary };
  if (judgement.kind === 'document-rejected')
    pipeline.logger.error({ ...logged, reason: judgement.reason }, 'feed document rejected');
  else pipeline.logger.info(logged, 'feed processing report applied');
  return closed;
}

/** Looks at one submitted feed; returns true when it was closed. */
async function followFeed(pipeline: FeedPipeline, feed: Feed, now: Date): Promise<boolean> {
  const status = await pipeline.amazon.getFeed(feed.amazonFeedId ?? '');
  switch (status.processingStatus) {
    case 'DONE':
      await updateSubmittedFeed(pipeline.db, feed.id, {
        result_document_id: status.resultFeedDocumentId ?? null,
      });
      return applyDoneFeed(pipeline, feed, status, now);
    case 'CANCELLED':
    case 'FATAL': {
      const reason = `Amazon ended the feed ${status.processingStatus}`;
      pipeline.logger.error(
        { feedId: feed.id, amazonFeedId: feed.amazonFeedId, status: status.processingStatus },
        'feed failed',
      );
      const to = status.processingStatus === 'FATAL' ? 'fatal' : 'cancelled';
      return closeWithoutVerdict(pipeline, feed, to, reason, status.processingStatus, now);
    }
    default:
      await updateSubmittedFeed(pipeline.db, feed.id, {
        amazon_status: status.processingStatus,
        follow_attempts: feed.followAttempts + 1,
        next_check_at: new Date(now.getTime() + followDelayMs(feed.followAttempts + 1)),
      });
      return false;
  }
}

/**
 * A failed look that is not about this feed: Amazon throttling the seller (the run is deferred),
 * the grant revoked (the company needs reauthorization) or the run told to stop. Like every other job,
 * the run ends with it instead of recording it as this feed's problem.
 */
function endsTheRun(pipeline: FeedPipeline, err: unknown): boolean {
  return (
    pipeline.signal.aborted ||
    isAmazonError(err, 'throttled') ||
    isAmazonError(err, 'authorization_revoked') ||
    isAmazonError(err, 'token_expired')
  );
}

/** Records a failed look (a report that cannot be read, Amazon unavailable) and backs off. */
async function postpone(pipeline: FeedPipeline, feed: Feed, err: unknown, now: Date): Promise<void> {
  pipeline.logger.error(
    { feedId: feed.id, amazonFeedId: feed.amazonFeedId, err },
    'feed follow-up failed; will look again',
  );
  await updateSubmittedFeed(pipeline.db, feed.id, {
    error: (err as Error).message ?? String(err),
    follow_attempts: feed.followAttempts + 1,
    next_check_at: new Date(now.getTime() + followDelayMs(feed.followAttempts + 1)),
  });
}

/**
 * Looks at every submitted feed of the company that is due, closes the finished ones, and says when
 * the next look is due. Safe to run twice: a feed is closed in one transaction, at most once.
 */
export async function followFeeds(
  pipeline: FeedPipeline,
  companyId: number,
  now: Date,
): Promise<FollowOutcome> {
  const open = await listFeeds(pipeline.db, companyId, { states: ['submitted'] });
  const due = open.filter((feed) => !feed.nextCheckAt || feed.nextCheckAt <= now);
  let finished = 0;
  for (const feed of due) {
    pipeline.signal.throwIfAborted();
    try {
      if (await followFeed(pipeline, feed, now)) finished++;
    } catch (err) {
      if (endsTheRun(pipeline, err)) throw err;
      await postpone(pipeline, feed, err, now);
    }
  }
  const remaining = await listFeeds(pipeline.db, companyId, { states: ['submitted'] });
  const next = remaining.map((feed) => feed.nextCheckAt?.getTime() ?? now.getTime());
  return {
    checked: due.length,
    finished,
    nextCheckInMs: next.length > 0 ? Math.max(1000, Math.min(...next) - now.getTime()) : null,
  };
}
