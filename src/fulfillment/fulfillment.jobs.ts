import { clockOf } from '../context.js';
import type { FeedKinds } from '../feeds/feed-kinds.js';
import { followDelayMs } from '../feeds/feed-pipeline.js';
import { feedPipelineFor } from '../feeds/feeds.jobs.js';
import { listFeeds } from '../feeds/feeds.repository.js';
import type { JobContext } from '../jobs/handlers.js';
import { succeeded, type RunResult } from '../jobs/run-result.js';
import { uploadFulfillments } from './fulfillment.upload.js';

export interface FulfillmentUploadCounts {
  shipments: number;
  feeds: number;
  prevented: number;
  amazon_checks: number;
  awaiting_landing: number;
}

/**
 * Uploads the company's recorded shipments as fulfillment feeds; a follow-up job takes each feed to its
 * end. A run that must wait for an unresolved submission's landing horizon is deferred to that moment.
 */
export async function uploadFulfillmentsJob(
  context: JobContext,
  kinds: FeedKinds,
): Promise<RunResult<FulfillmentUploadCounts>> {
  const pipeline = await feedPipelineFor(context, kinds);
  const now = clockOf(context.app)();
  const outcome = await uploadFulfillments(pipeline, context.company, now);
  if (outcome.awaitingLandingUntil) {
    const waitMs = outcome.awaitingLandingUntil.getTime() - now.getTime();
    await context.enqueueLater('fulfillment-upload', Math.max(1000, waitMs));
  }
  // Also re-arms the follow-up of feeds whose delayed job was lost (a Redis restart).
  const open = await listFeeds(pipeline.db, context.company.id, { states: ['submitted'], limit: 1 });
  if (open.length > 0) await context.enqueueLater('feed-follow-up', followDelayMs(0));
  const counts = {
    shipments: outcome.shipments,
    feeds: outcome.feeds,
    prevented: outcome.prevented,
    amazon_checks: outcome.amazonChecks,
    awaiting_landing: outcome.awaitingLandingUntil ? 1 : 0,
  };
  if (!outcome.awaitingLandingUntil) return succeeded(counts);
  const until = outcome.awaitingLandingUntil.toISOString();
  const reason = `a feed submission whose outcome is unknown may still land at Amazon; queued again for ${until}, after its landing horizon`;
  return { status: 'deferred', counts, reason };
}
