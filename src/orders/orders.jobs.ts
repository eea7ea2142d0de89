import { setTimeout as sleep } from 'node:timers/promises';
import { isAmazonError } from '../amazon/errors.js';
import type { JobContext } from '../jobs/handlers.js';
import type { RunCounts } from '../jobs/job-runs.table.js';
import { eraseExpiredBuyerData } from './buyer-data.retention.js';
import { DownloadStopped, type DownloadContext } from './download-context.js';
import { downloadOrders } from './orders.download.js';

/** When Amazon gives no hint, a throttled download resumes after one searchOrders restore period. */
const DEFAULT_THROTTLE_DELAY_MS = 180_000;

export function downloadContextOf(context: JobContext, port: DownloadContext['port']): DownloadContext {
  return {
    db: context.app.db,
    keyring: context.app.config.keyring,
    logger: context.logger,
    port,
    company: context.company,
    runId: context.runId,
    settings: context.app.config.orders,
    signal: context.signal,
    now: () => new Date(),
    sleep: (ms) => sleep(ms, undefined, { signal: context.signal }).catch(() => undefined),
    counts: {},
  };
}

/**
 * Downloads the company's Amazon orders updated since its cursor. Progress is committed page by page, so
 * a throttled or stopped run keeps what it did; a throttled one queues its own continuation.
 */
export async function downloadOrdersJob(context: JobContext): Promise<RunCounts> {
  const port = await context.app.amazon.forCompany(context.company.id, context.signal);
  const download = downloadContextOf(context, port);
  try {
    await downloadOrders(download);
  } catch (err) {
    if (err instanceof DownloadStopped) {
      context.logger.info({ counts: download.counts }, 'order download stopped for shutdown');
      return { ...download.counts, stopped: 1 };
    }
    if (isAmazonError(err, 'throttled')) {
      const delayMs = err.retryAfterMs ?? DEFAULT_THROTTLE_DELAY_MS;
      await context.enqueueLater('order-download', delayMs);
      context.logger.warn({ delayMs, counts: download.counts }, 'order download throttled; continuing later');
      return { ...download.counts, throttled: 1 };
    }
    throw err;
  }
  return download.counts;
}

/** Erases buyer and recipient data of the company's orders delivered more than the retention period ago. */
export async function eraseExpiredBuyerDataJob(context: JobContext): Promise<RunCounts> {
  const erased = await eraseExpiredBuyerData(
    context.app.db,
    context.company.id,
    context.app.config.orders.buyerDataRetentionDays,
  );
  return { erased };
}
