import type { JobContext } from '../jobs/handlers.js';
import type { RunCounts } from '../jobs/job-runs.table.js';
import { FEED_APPLIERS } from './feed-appliers.js';
import { followFeeds } from './feed-follow.js';
import type { FeedPipeline } from './feed-pipeline.js';

export async function feedPipelineFor(context: JobContext): Promise<FeedPipeline> {
  return {
    db: context.app.db,
    amazon: await context.app.amazon.forCompany(context.company.id),
    logger: context.logger,
    appliers: FEED_APPLIERS,
  };
}

/** Follows the company's submitted feeds to their end, and queues itself again while any is open. */
export async function followFeedsJob(context: JobContext): Promise<RunCounts> {
  const outcome = await followFeeds(await feedPipelineFor(context), context.company.id);
  if (outcome.nextCheckInMs !== null) await context.enqueueLater('feed-follow-up', outcome.nextCheckInMs);
  return { feeds_checked: outcome.checked, feeds_finished: outcome.finished };
}
