import type { JobContext } from '../jobs/handlers.js';
import type { RunCounts } from '../jobs/job-runs.table.js';
import { followFeeds } from './feed-follow.js';
import type { FeedKinds } from './feed-kinds.js';
import type { FeedPipeline } from './feed-pipeline.js';

export async function feedPipelineFor(context: JobContext, kinds: FeedKinds): Promise<FeedPipeline> {
  return {
    db: context.app.db,
    amazon: await context.app.amazon.forCompany(context.company.id, context.signal),
    logger: context.logger,
    kinds,
    landingHorizonMs: context.app.config.feeds.landingHorizonMinutes * 60_000,
    signal: context.signal,
  };
}

/** Follows the company's submitted feeds to their end, and queues itself again while any is open. */
export async function followFeedsJob(context: JobContext, kinds: FeedKinds): Promise<RunCounts> {
  const outcome = await followFeeds(await feedPipelineFor(context, kinds), context.company.id);
  if (outcome.nextCheckInMs !== null) await context.enqueueLater('feed-follow-up', outcome.nextCheckInMs);
  return { feeds_checked: outcome.checked, feeds_finished: outcome.finished };
}
