import { setTimeout as sleep } from 'node:timers/promises';
import { isAmazonError } from '../amazon/errors.js';
import { clockOf } from '../context.js';
import type { JobContext } from '../jobs/handlers.js';
import { succeeded, type RunResult } from '../jobs/run-result.js';
import { eraseExpiredBuyerData } from './buyer-data.retention.js';
import { DownloadStopped, type DownloadContext, type OrderDownloadCounts } from './download-context.js';
import type { OrderEventHandlers } from './order-events.js';
import { downloadOrders } from './orders.download.js';
import { ordersDownloaded } from '../shared/metrics.js';

/** When Amazon gives no hint, a throttled download resumes after one searchOrders restore period. */
const DEFAULT_THROTTLE_DELAY_MS = 180_000;
/** A run that only finished an earlier run's window queues the run that goes on to the present. */
const CATCH_UP_DELAY_MS = 1_000;

export function downloadContextOf(
  context: JobContext,
  port: DownloadContext['port'],
  orderEvents: OrderEventHandlers,
): DownloadContext {
  const download: DownloadContext = {
    db: context.db,
    keyring: context.app.config.keyring,
    logger: context.logger,
    port,
    company: context.company,
    runId: context.runId,
    settings: context.app.config.orders,
    signal: context.signal,
    now: clockOf(context.app),
    sleep: (ms) => sleep(ms, undefined, { signal: context.signal }).catch(() => undefined),
    orderEvents,
    counts: {},
    progress: (message) => context.progress(download.counts, message),
  };
  return download;
}

/**
 * Downloads the company's Amazon orders updated since its cursor. Progress is committed page by page, so
 * a throttled or stopped run keeps what it did; a throttled one, or one that only finished the window an
 * earlier run left, queues its own continuation and is recorded as deferred.
 */
export async function downloadOrdersJob(
  context: JobContext,
  orderEvents: OrderEventHandlers,
): Promise<RunResult<OrderDownloadCounts>> {
  const port = await context.app.amazon.forCompany(context.company.id, context.signal);
  const download = downloadContextOf(context, port, orderEvents);
  try {
    const { resumed } = await downloadOrders(download);
    if (!resumed) return succeeded(download.counts);
    await context.enqueueLater('order-download', CATCH_UP_DELAY_MS);
    const reason = `finished the window an earlier run left (until ${resumed.end}); a run is queued to go on to the present`;
    return { status: 'deferred', counts: download.counts, reason };
  } catch (err) {
    if (err instanceof DownloadStopped) {
      context.logger.info({ counts: download.counts }, 'order download stopped');
      return { status: 'stopped', counts: download.counts, reason: err.message };
    }
    if (isAmazonError(err, 'throttled')) {
      const delayMs = err.retryAfterMs ?? DEFAULT_THROTTLE_DELAY_MS;
      await context.enqueueLater('order-download', delayMs);
      context.logger.warn({ delayMs, counts: download.counts }, 'order download throttled; continuing later');
      const reason = `throttled by Amazon (${err.operation}); continuing in ${delayMs} ms from the committed cursor`;
      return { status: 'deferred', counts: download.counts, reason };
    }
    throw err;
  } finally {
    ordersDownloaded.inc({ company_id: context.company.id }, download.counts.inserted ?? 0);
  }
}

export interface BuyerDataRetentionCounts {
  erased: number;
}

/**
 * Erases buyer and recipient data of the company's orders past their erase-after time (delivery, or the
 * latest delivery date, or the cancellation, + the retention period), by our clock.
 */
export async function eraseExpiredBuyerDataJob(
  context: JobContext,
): Promise<RunResult<BuyerDataRetentionCounts>> {
  const erased = await eraseExpiredBuyerData(
    context.db,
    context.company.id,
    context.app.config.orders.buyerDataRetentionDays,
    clockOf(context.app)(),
  );
  return succeeded({ erased });
}
