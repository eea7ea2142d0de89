import type { JobContext } from '../jobs/handlers.js';
import type { RunCounts } from '../jobs/job-runs.table.js';

/** Uploads recorded shipments to Amazon. The upload itself lands with the fulfillment feature. */
export async function uploadFulfillmentsJob(context: JobContext): Promise<RunCounts> {
  context.logger.info('fulfillment upload has no work defined yet');
  return { shipments: 0 };
}
