import type { JobContext } from '../jobs/handlers.js';
import type { RunCounts } from '../jobs/job-runs.table.js';

/** Follows the company's submitted feeds to their end. Lands with the feed pipeline. */
export async function followFeedsJob(context: JobContext): Promise<RunCounts> {
  context.logger.info('feed follow-up has no work defined yet');
  return { feeds: 0 };
}
