import { clockOf } from '../context.js';
import type { FeedKinds } from '../feeds/feed-kinds.js';
import { followDelayMs } from '../feeds/feed-pipeline.js';
import { feedPipelineFor } from '../feeds/feeds.jobs.js';
import { listFeeds } from '../feeds/feeds.repository.js';
import type { JobContext } from '../jobs/handlers.js';
import { succeeded, type RunResult } from '../jobs/run-result.js';
import { uploadCancellations } from './cancellations.upload.js';

export interface CancellationUploadCounts {
  cancellations: number;
  feeds: number;
  invalid: number;
  zeroings: number;
  awaiting_landing: number;
}

/**
 * Sends the company's requested cancellations as acknowledgement feeds; the follow-up job takes each to
 * its end. A run that must wait for an unresolved submission's landing horizon is deferred to that moment.
 */
export async function uploadCancellationsJob(
  context: JobContext,
  kinds: FeedKinds,
): Promise<RunResult<CancellationUploadCounts>> {
  const pipeline = await feedPipelineFor(context, kinds);
  const now = clockOf(context.app)();
  const outcome = await uploadCancellations(pipeline, context.company, now);
  if (outcome.awaitingLandingUntil) {
    const waitMs = outcome.awaitingLandingUntil.getTime() - now.getTime();
    await context.enqueueLater('cancellation-upload', Math.max(1000, waitMs));
  }
  // Also re-arms the follow-up of feeds whose delayed job was lost (a Redis restart).
  const open = await listFeeds(pipeline.db, context.company.id, { states: ['submitted'], limit: 1 });
  if (open.length > 0) await context.enqueueLater('feed-follow-up', followDelayMs(0));
  const counts = {
    cancellations: outcome.cancellations,
    feeds: outcome.feeds,
    invalid: outcome.invalid,
    zeroings: outcome.zeroings,
    awaiting_landing: outcome.awaitingLandingUntil ? 1 : 0,
  };
  if (!outcome.awaitingLandingUntil) return succeeded(counts);
  const until = outcome.awaitingLandingUntil.toISOString();
  const reason = `a cancellation feed whose submission outcome is unknown may still land at Amazon; queued again for ${until}, after its landing horizon`;
  return { status: 'deferred', counts, reason };
}
