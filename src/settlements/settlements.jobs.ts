import { isAmazonError } from '../amazon/errors.js';
import type { JobContext } from '../jobs/handlers.js';
import { succeeded, type RunResult } from '../jobs/run-result.js';
import { throwIfStopped } from '../shared/abort.js';
import { charsetOfContentType } from './decode.js';
import { ingestedReportIds, listSettlementReports, recordIngestedReport } from './settlement-reports.js';
import { ingestSettlement } from './settlements.ingest.js';
import { downloadContextOf } from '../orders/orders.jobs.js';
import type { OrderEventHandlers } from '../orders/order-events.js';
import { checkSettlementGap, fetchUnknownOrders } from './settlements.followup.js';
import { reconcileSettlement } from './settlements.reconcile.js';
import { reviewUnsettledRefunds } from './unsettled-refunds.js';
import { readFinanceTransactions } from './finance-transactions.js';
import { clockOf } from '../context.js';

export interface SettlementReconciliationCounts {
  reports_listed: number;
  reports_ingested: number;
  lines: number;
  quarantined: number;
  changed_rows: number;
  not_adding_up: number;
  refunds: number;
  amazon_refunds: number;
  refunds_confirmed: number;
  fee_anomalies: number;
  unknown_orders: number;
  orders_fetched: number;
  period_missing: number;
  refunds_not_settled: number;
  amounts_differ: number;
  finance_pages: number;
  finance_transactions: number;
  finance_refunds: number;
}

/** When Amazon gives no hint, a throttled run goes on after getReports' restore period (1 / 0.0222 s). */
const DEFAULT_THROTTLE_DELAY_MS = 45_000;

/**
 * Finds the company's settlement reports Amazon has closed (getReports, never createReport), downloads
 * each one not ingested yet through the gateway's document transfer and ingests it. A report listed
 * again, or the same settlement listed twice, ends in the same rows once.
 */
export async function reconcileSettlementsJob(
  context: JobContext,
  orderEvents: OrderEventHandlers,
): Promise<RunResult<SettlementReconciliationCounts>> {
  const counts: SettlementReconciliationCounts = {
    reports_listed: 0,
    reports_ingested: 0,
    lines: 0,
    quarantined: 0,
    changed_rows: 0,
    not_adding_up: 0,
    refunds: 0,
    amazon_refunds: 0,
    refunds_confirmed: 0,
    fee_anomalies: 0,
    unknown_orders: 0,
    orders_fetched: 0,
    period_missing: 0,
    refunds_not_settled: 0,
    amounts_differ: 0,
    finance_pages: 0,
    finance_transactions: 0,
    finance_refunds: 0,
  };
  const companyId = context.company.id;
  const now = clockOf(context.app);
  const port = await context.app.amazon.forCompany(companyId, context.signal);
  try {
    const { reports, amazonTime } = await listSettlementReports(port);
    counts.reports_listed = reports.length;
    const done = await ingestedReportIds(context.db, companyId);
    for (const report of reports.filter((listed) => !done.has(listed.reportId))) {
      throwIfStopped(context.signal, 'settlement reconciliation');
      const location = await port.getReportDocument(report.reportDocumentId ?? '');
      const stream = await port.downloadDocument(location);
      const outcome = await ingestSettlement(context.db, stream, {
        companyId,
        source: `report:${report.reportId}`,
        charset: charsetOfContentType(stream.contentType),
        stopIfAborted: () => throwIfStopped(context.signal, 'settlement ingest'),
        now,
      });
      await recordIngestedReport(context.db, companyId, report, outcome.settlementPk);
      counts.reports_ingested += 1;
      counts.lines += outcome.lineCount;
      counts.quarantined += outcome.quarantinedCount;
      counts.changed_rows += outcome.changedRows;
      if (!outcome.addsUp) counts.not_adding_up += 1;
      if (outcome.unchanged) continue;
      const reconciled = await reconcileSettlement(context.db, companyId, outcome.settlementPk, now());
      for (const key of Object.keys(reconciled) as (keyof typeof reconciled)[])
        counts[key] += reconciled[key];
      context.logger.info(
        {
          reportId: report.reportId,
          settlementId: outcome.settlementId,
          lines: outcome.lineCount,
          addsUp: outcome.addsUp,
        },
        'settlement ingested',
      );
    }
    counts.orders_fetched = await fetchUnknownOrders(downloadContextOf(context, port, orderEvents));
    counts.period_missing = (await checkSettlementGap(context.db, companyId, amazonTime)) ? 1 : 0;
    counts.refunds_not_settled = await reviewUnsettledRefunds(
      context.db,
      companyId,
      now(),
      context.app.config.settlements.refundUnsettledDays,
    );
    // Last: a throttled read defers the run after everything else is done; it resumes at its next page.
    const finance = await readFinanceTransactions(
      context.db,
      port,
      companyId,
      amazonTime,
      now(),
      context.logger,
    );
    Object.assign(counts, finance);
  } catch (err) {
    if (!isAmazonError(err, 'throttled')) throw err;
    const delayMs = err.retryAfterMs ?? DEFAULT_THROTTLE_DELAY_MS;
    await context.enqueueLater('settlement-reconciliation', delayMs);
    const reason = `throttled by Amazon (${err.operation}); continuing in ${delayMs} ms with the reports not ingested yet`;
    return { status: 'deferred', counts, reason };
  }
  return succeeded(counts);
}
