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
  return orders.length === 0 ? undefined : writeAllOrdersReport(orders);
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

/** IN_QUEUE → IN_PROGRESS → DONE | CANCELLED | FATAL after Amazon-like delays; a stuck report stays queued. */
export function scheduleReportProcessing(sim: Simulation, report: SimReport, stuck: boolean): void {
  if (stuck) return;
  const { reportQueueMs, reportProcessingMs } = sim.settings;
  sim.events.schedule(new Date(report.createdTime.getTime() + reportQueueMs), (at) => {
    if (report.processingStatus !== 'IN_QUEUE') return;
    report.processingStatus = 'IN_PROGRESS';
    report.processingStartTime = at;
    sim.events.schedule(new Date(at.getTime() + reportProcessingMs), (doneAt) => {
      if (report.processingStatus === 'IN_PROGRESS') finish(sim, report, doneAt);
    });
  });
}
