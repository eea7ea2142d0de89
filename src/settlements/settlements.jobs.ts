import type { JobContext } from '../jobs/handlers.js';
import type { RunCounts } from '../jobs/job-runs.table.js';

/** Downloads and reconciles settlement reports. The reconciliation lands with the settlement feature. */
export async function reconcileSettlementsJob(context: JobContext): Promise<RunCounts> {
  context.logger.info('settlement reconciliation has no work defined yet');
  // No counts: a zero would claim reports were looked for.
  return {};
}
