import type { JobContext } from '../jobs/handlers.js';
import type { RunCounts } from '../jobs/job-runs.table.js';

/** Downloads the company's Amazon orders. The download itself lands with the order-download feature. */
export async function downloadOrdersJob(context: JobContext): Promise<RunCounts> {
  context.logger.info('order download has no work defined yet');
  return { orders: 0 };
}
