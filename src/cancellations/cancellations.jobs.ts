import type { FeedKinds } from '../feeds/feed-kinds.js';
import { followDelayMs } from '../feeds/feed-pipeline.js';
import { feedPipelineFor } from '../feeds/feeds.jobs.js';
import { listFeeds } from '../feeds/feeds.repository.js';
import type { JobContext } from '../jobs/handlers.js';
import type { RunCounts } from '../jobs/job-runs.table.js';
import { uploadCancellations } from './cancellations.upload.js';

/** Sends the company's requested cancellations as acknowledgement feeds; the follow-up job takes each to its end. */
export async function uploadCancellationsJob(context: JobContext, kinds: FeedKinds): Promise<RunCounts> {
  const pipeline = await feedPipelineFor(context, kinds);
  const outcome = await uploadCancellations(pipeline, context.company);
  // Also re-arms the follow-up of feeds whose delayed job was lost (a Redis restart).
  const open = await listFeeds(pipeline.db, context.company.id, { states: ['submitted'], limit: 1 });
  if (open.length > 0) await context.enqueueLater('feed-follow-up', followDelayMs(0));
  return {
    cancellations: outcome.cancellations,
    feeds: outcome.feeds,
    invalid: outcome.invalid,
    zeroings: outcome.zeroings,
  };
}
