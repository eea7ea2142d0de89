import { clockOf } from '../context.js';
import type { FeedKinds } from '../feeds/feed-kinds.js';
import { followDelayMs } from '../feeds/feed-pipeline.js';
import { feedPipelineFor } from '../feeds/feeds.jobs.js';
import { listFeeds } from '../feeds/feeds.repository.js';
import type { JobContext } from '../jobs/handlers.js';
import { succeeded, type RunResult } from '../jobs/run-result.js';
import { uploadRefunds } from './refunds.upload.js';

export interface RefundUploadCounts {
  refunds: number;
  feeds: number;
  invalid: number;
  awaiting_landing: number;
}

/**
 * Sends the company's refunds past their hold as payment-adjustment feeds; the follow-up job takes each
 * to its end. The run queues the next one for when the next held refund becomes due, and a run that
 * must wait for an unresolved submission's landing horizon is deferred to that moment.
 */
export async function uploadRefundsJob(
  context: JobContext,
  kinds: FeedKinds,
): Promise<RunResult<RefundUploadCounts>> {
  const pipeline = await feedPipelineFor(context, kinds);
  const now = clockOf(context.app)();
  const outcome = await uploadRefunds(pipeline, context.company, now);
  const wakeAt = outcome.awaitingLandingUntil ?? outcome.nextDue;
  if (wakeAt) await context.enqueueLater('refund-upload', Math.max(1000, wakeAt.getTime() - now.getTime()));
  // Also re-arms the follow-up of feeds whose delayed job was lost (a Redis restart).
  const open = await listFeeds(pipeline.db, context.company.id, { states: ['submitted'], limit: 1 });
  if (open.length > 0) await context.enqueueLater('feed-follow-up', followDelayMs(0));
  const counts = {
    refunds: outcome.refunds,
    feeds: outcome.feeds,
    invalid: outcome.invalid,
    awaiting_landing: outcome.awaitingLandingUntil ? 1 : 0,
  };
  if (!outcome.awaitingLandingUntil) return succeeded(counts);
  const until = outcome.awaitingLandingUntil.toISOString();
  const reason = `a refund feed whose submission outcome is unknown may still land at Amazon; queued again for ${until}, after its landing horizon`;
  return { status: 'deferred', counts, reason };
}
