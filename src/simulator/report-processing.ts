import { ALL_ORDERS_REPORT_TYPES, writeAllOrdersReport } from './all-orders-report.js';
import { DAY } from './clock.js';
import { storeDocument } from './documents.js';
import type { SimReport } from './records.js';
import type { Simulation } from './simulation.js';

type AllOrdersType = (typeof ALL_ORDERS_REPORT_TYPES)[number];

function isAllOrdersType(reportType: string): reportType is AllOrdersType {
  return (ALL_ORDERS_REPORT_TYPES as readonly string[]).includes(reportType);
}

function reportContent(sim: Simulation, report: SimReport, at: Date): string | undefined {
  const start = report.dataStartTime ?? new Date(report.createdTime.getTime() - 30 * DAY);
  const end = report.dataEndTime ?? report.createdTime;
  const byLastUpdate = report.reportType === 'GET_FLAT_FILE_ALL_ORDERS_DATA_BY_LAST_UPDATE_GENERAL';
  const orders = sim.store
    .ordersOf(report.sellerId)
    .filter((order) => report.marketplaceIds.includes(order.marketplaceId))
    .filter((order) => sim.faults.isSearchable(order, at))
    .filter((order) => {
      const time = (byLastUpdate ? order.lastUpdatedTime : order.createdTime).getTime();
      return time >= start.getTime() && time <= end.getTime();
    })
    .sort((a, b) => a.createdTime.getTime() - b.createdTime.getTime());
  return orders.length === 0 ? undefined : writeAllOrdersReport(orders, sim.store.defects);
}

function finish(sim: Simulation, report: SimReport, at: Date): void {
  report.processingEndTime = at;
  if (!isAllOrdersType(report.reportType)) {
    report.processingStatus = 'FATAL';
    return;
  }
  const content = reportContent(sim, report, at);
  if (content === undefined) {
    // Amazon cancels a report that has no data.
    report.processingStatus = 'CANCELLED';
    return;
  }
  const document = storeDocument(
    sim,
    report.sellerId,
    'report',
    'text/tab-separated-values',
    content,
    true,
    at,
  );
  report.reportDocumentId = document.documentId;
  report.processingStatus = 'DONE';
}

/** How a report's processing goes wrong, when a fault says it does. */
export type ReportMishap = 'stuck-in-queue' | 'stuck-in-progress' | 'fatal';

/** The mishap the simulator's faults put on the next report, if any. */
export function takeReportMishap(sim: Simulation): ReportMishap | undefined {
  if (sim.faults.takeSticky('report-stuck')) return 'stuck-in-queue';
  if (sim.faults.takeSticky('report-stuck-in-progress')) return 'stuck-in-progress';
  if (sim.faults.takeSticky('report-fatal')) return 'fatal';
  return undefined;
}

/**
 * IN_QUEUE → IN_PROGRESS → DONE | CANCELLED | FATAL after Amazon-like delays; a report stuck in queue stays
 * IN_QUEUE, one stuck in progress stays IN_PROGRESS, a fatal one ends FATAL (no document) when it would be done.
 */
export function scheduleReportProcessing(sim: Simulation, report: SimReport, mishap?: ReportMishap): void {
  if (mishap === 'stuck-in-queue') return;
  const { reportQueueMs, reportProcessingMs } = sim.settings;
  sim.events.schedule(new Date(report.createdTime.getTime() + reportQueueMs), (at) => {
    if (report.processingStatus !== 'IN_QUEUE') return;
    report.processingStatus = 'IN_PROGRESS';
    report.processingStartTime = at;
    if (mishap === 'stuck-in-progress') return;
    sim.events.schedule(new Date(at.getTime() + reportProcessingMs), (doneAt) => {
      if (report.processingStatus !== 'IN_PROGRESS') return;
      if (mishap === 'fatal') {
        report.processingStatus = 'FATAL';
        report.processingEndTime = doneAt;
      } else finish(sim, report, doneAt);
    });
  });
}
