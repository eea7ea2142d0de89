import type { AmazonReport } from '../amazon/port.js';
import { saveCursor } from '../jobs/sync-cursors.repository.js';
import {
  addCounts,
  commitWithCursor,
  reportProgress,
  stopIfAborted,
  type DownloadContext,
} from './download-context.js';
import { ORDERS_STREAM, type OrderCursor, type WindowState } from './download-window.js';
import { ALL_ORDERS_REPORT_TYPE, readAllOrdersReport, ReportFormatError } from './report-rows.js';

/** Orders written per transaction while reading a report, and transactions under way at once. */
export const REPORT_BATCH_SIZE = 2000;
const REPORT_PARALLEL_COMMITS = 2;

/** Polls often enough to lose under 1% of the expected processing time (getReport allows 2 calls a second). */
export function reportPollIntervalMs(expectedSeconds: number): number {
  return Math.min(15_000, Math.max(200, Math.round((expectedSeconds * 1000) / 120)));
}

async function saveWindow(
  context: DownloadContext,
  cursor: OrderCursor,
  window: WindowState,
): Promise<WindowState> {
  await saveCursor(context.db, context.company.id, ORDERS_STREAM, { ...cursor, window });
  return window;
}

/** The search phase goes on from its last page; the report is not tried again for this window. */
function fallBackToSearch(window: WindowState): WindowState {
  return {
    ...window,
    plan: 'search',
    phase: 'search',
    noReport: true,
    nextToken: window.searchToken,
    searchToken: undefined,
    reportId: undefined,
    reportRequestedAt: undefined,
  };
}

/** Asks Amazon for the window's all-orders report; the buyer-data pages are read while it is produced. */
export async function requestReport(
  context: DownloadContext,
  cursor: OrderCursor,
  window: WindowState,
): Promise<WindowState> {
  const { reportId } = await context.port.createReport({
    reportType: ALL_ORDERS_REPORT_TYPE,
    marketplaceIds: context.company.marketplaceIds,
    dataStartTime: window.after,
    dataEndTime: window.end,
  });
  context.logger.info({ reportId, after: window.after, end: window.end }, 'order report requested');
  const requested: WindowState = {
    ...window,
    phase: 'buyer-data',
    nextToken: undefined,
    reportId,
    reportRequestedAt: context.now().toISOString(),
  };
  return saveWindow(context, cursor, requested);
}

/**
 * Waits for the report: 'no-data' when Amazon found none (CANCELLED); 'give-up' when it failed (FATAL), stayed
 * IN_QUEUE past the queue limit (then cancelled) or is still IN_PROGRESS past the processing limit (Amazon
 * cancels only queued reports: it is left to finish unread).
 */
async function awaitReport(
  context: DownloadContext,
  window: WindowState,
  reportId: string,
): Promise<AmazonReport | 'no-data' | 'give-up'> {
  const { reportQueueTimeoutMinutes, reportProcessingTimeoutMinutes } = context.settings;
  const requestedAt = Date.parse(window.reportRequestedAt ?? context.now().toISOString());
  for (;;) {
    stopIfAborted(context);
    const report = await context.port.getReport(reportId);
    if (report.processingStatus === 'DONE') return report;
    if (report.processingStatus === 'CANCELLED') return 'no-data';
    if (report.processingStatus === 'FATAL') return 'give-up';
    const waitedMs = context.now().getTime() - requestedAt;
    if (report.processingStatus === 'IN_QUEUE' && waitedMs > reportQueueTimeoutMinutes * 60_000) {
      await context.port.cancelReport(reportId);
      context.logger.warn(
        { reportId, timeoutMinutes: reportQueueTimeoutMinutes },
        'order report stuck in queue; cancelled',
      );
      return 'give-up';
    }
    // IN_PROGRESS, or a state Amazon added since: neither may hold the window for ever.
    if (report.processingStatus !== 'IN_QUEUE' && waitedMs > reportProcessingTimeoutMinutes * 60_000) {
      context.logger.warn(
        { reportId, status: report.processingStatus, timeoutMinutes: reportProcessingTimeoutMinutes },
        'order report stuck in progress; abandoned',
      );
      return 'give-up';
    }
    const pollMs = reportPollIntervalMs(context.settings.reportExpectedSeconds);
    await reportProgress(
      context,
      `order report ${reportId} is ${report.processingStatus} after ${Math.round(waitedMs / 1000)} s; checking again in ${Math.round(pollMs / 1000)} s`,
    );
    await context.sleep(pollMs);
  }
}

async function ingestReport(
  context: DownloadContext,
  cursor: OrderCursor,
  window: WindowState,
  report: AmazonReport,
) {
  if (!report.reportDocumentId) return;
  const location = await context.port.getReportDocument(report.reportDocumentId);
  const stream = await context.port.downloadDocument(location);
  // The cursor stays on this report until every batch is in: a rerun reads it again, which upserts the same
  // rows. Batches hold different orders, so a few commit side by side.
  const inFlight = new Set<Promise<void>>();
  try {
    for await (const batch of readAllOrdersReport(stream, report.reportId, REPORT_BATCH_SIZE)) {
      stopIfAborted(context);
      const source = `report:${report.reportId}`;
      const commit = commitWithCursor(
        context,
        batch.drafts,
        source,
        { ...cursor, window },
        undefined,
        batch.rejected,
      ).then(async () => {
        addCounts(context, { reportOrders: batch.drafts.length });
        await reportProgress(
          context,
          `order report ${report.reportId}: ${context.counts.reportOrders ?? 0} orders stored`,
        );
      });
      inFlight.add(commit);
      // Failures surface through Promise.race / Promise.all below; this only keeps the set current.
      void commit.finally(() => inFlight.delete(commit)).catch(() => undefined);
      if (inFlight.size >= REPORT_PARALLEL_COMMITS) await Promise.race(inFlight);
    }
    await Promise.all(inFlight);
  } finally {
    // Stopping or failing half-way still lets the transactions under way finish before the run ends.
    await Promise.allSettled(inFlight);
  }
}

async function fallBack(context: DownloadContext, cursor: OrderCursor, window: WindowState) {
  addCounts(context, { reportFallbacks: 1 });
  const fallback = await saveWindow(context, cursor, fallBackToSearch(window));
  return { cursor: { ...cursor, window: fallback }, window: fallback };
}

/**
 * The end of the report plan: wait for the report, read it in batches, and close the window. Falls back
 * to searchOrders when the report fails, stays queued or in progress too long, or cannot be read.
 */
export async function finishReport(
  context: DownloadContext,
  cursor: OrderCursor,
  window: WindowState,
): Promise<{ cursor: OrderCursor; window: WindowState | undefined }> {
  const reportId = window.reportId ?? '';
  const waitStarted = performance.now();
  const outcome = await awaitReport(context, window, reportId);
  addCounts(context, { reportWaitMs: Math.round(performance.now() - waitStarted) });
  if (outcome === 'give-up') return fallBack(context, cursor, window);
  if (outcome !== 'no-data') {
    const ingestStarted = performance.now();
    try {
      await ingestReport(context, cursor, window, outcome);
    } catch (err) {
      // A document that cannot be read at all (its columns are not there) would fail every rerun the same way.
      if (!(err instanceof ReportFormatError)) throw err;
      context.logger.warn({ reportId, reason: err.message }, 'order report cannot be read; abandoned');
      return fallBack(context, cursor, window);
    }
    addCounts(context, { reportIngestMs: Math.round(performance.now() - ingestStarted) });
  }
  const closed: OrderCursor = { clockOffsetMs: cursor.clockOffsetMs, committedUntil: window.end };
  await saveCursor(context.db, context.company.id, ORDERS_STREAM, closed);
  return { cursor: closed, window: undefined };
}
