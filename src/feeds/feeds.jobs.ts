import { clockOf } from '../context.js';
import type { JobContext } from '../jobs/handlers.js';
import { succeeded, type RunResult } from '../jobs/run-result.js';
import { followFeeds } from './feed-follow.js';
import type { FeedKinds } from './feed-kinds.js';
import type { FeedPipeline } from './feed-pipeline.js';

export async function feedPipelineFor(context: JobContext, kinds: FeedKinds): Promise<FeedPipeline> {
  return {
    db: context.db,
    amazon: await context.app.amazon.forCompany(context.company.id, context.signal),
    logger: context.logger,
    kinds,
    landingHorizonMs: context.app.config.feeds.landingHorizonMinutes * 60_000,
    signal: context.signal,
    clock: clockOf(context.app),
  };
}

export interface FeedFollowUpCounts {
  feeds_checked: number;
  feeds_finished: number;
}

/** Follows the company's submitted feeds to their end, and queues itself again while any is open. */
export async function followFeedsJob(
  context: JobContext,
  kinds: FeedKinds,
): Promise<RunResult<FeedFollowUpCounts>> {
  const outcome = await followFeeds(
    await feedPipelineFor(context, kinds),
    context.company.id,
    clockOf(context.app)(),
  );
  if (outcome.nextCheckInMs !== null) await context.enqueueLater('feed-follow-up', outcome.nextCheckInMs);
  return succeeded({ feeds_checked: outcome.checked, feeds_finished: outcome.finished });
}
