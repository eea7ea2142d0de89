import type { JobContext } from '../jobs/handlers.js';
import type { RunCounts } from '../jobs/job-runs.table.js';

/** Downloads the company's Amazon orders. The download itself lands with the order-download feature. */
export async function downloadOrdersJob(context: JobContext): Promise<RunCounts> {
  context.logger.info('order download has no work defined yet');
  return { orders: 0 };
}

/** Erases buyer and recipient data past the retention period. Lands with the order-download feature. */
export async function eraseExpiredBuyerDataJob(context: JobContext): Promise<RunCounts> {
  context.logger.info('buyer data retention has no work defined yet');
  return { erased: 0 };
}
