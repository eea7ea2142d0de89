import iconv from 'iconv-lite';
import { DAY } from './clock.js';
import { storeDocument } from './documents.js';
import { formatCents, type MoneyLine } from './model.js';
import type { SimReport } from './records.js';
import type { SimulationState } from './types.js';
import { defectiveSettlementAmount, type RecordDefects } from './record-defects.js';
import type { ClosedPeriod, SettlementPeriod } from './store.js';

export const SETTLEMENT_REPORT_TYPE = 'GET_V2_SETTLEMENT_REPORT_DATA_FLAT_FILE_V2';

export const SETTLEMENT_COLUMNS = [
  'settlement-id',
  'settlement-start-date',
  'settlement-end-date',
  'deposit-date',
  'total-amount',
  'currency',
  'transaction-type',
  'order-id',
  'merchant-order-id',
  'adjustment-id',
  'shipment-id',
  'marketplace-name',
  'amount-type',
  'amount-description',
  'amount',
  'fulfillment-id',
  'posted-date',
  'posted-date-time',
  'order-item-code',
  'merchant-order-item-id',
  'merchant-adjustment-item-id',
  'sku',
  'quantity-purchased',
  'promotion-id',
] as const;

const SUBSCRIPTION_FEE_CENTS = -3999;

/** How a period is closed, beyond Amazon's usual: a reserve held back, a file that does not add up, a listing twice. */
export interface CloseOptions {
  /** Held back as `Current Reserve Amount` (−) and given back in the next period as `Previous Reserve Amount Balance` (+). */
  reserveCents?: number | undefined;
  /** The reserve line is left out of the file but not out of its total: the settlement does not add up. */
  omitReserveLine?: boolean | undefined;
  /** The report is listed a second time, its period bounds a second apart, as Amazon sometimes does. */
  listTwice?: boolean | undefined;
  /** Cents added to the first Principal sale line of these orders: the settlement pays what the order does not say. */
  principalOffsets?: Record<string, number> | undefined;
}

function offsetPrincipals(period: SettlementPeriod, offsets: Record<string, number>): void {
  const pending = new Map(Object.entries(offsets));
  period.lines = period.lines.map((line) => {
    const cents = pending.get(line.orderId);
    if (cents === undefined || line.transactionType !== 'Order' || line.amountDescription !== 'Principal')
      return line;
    pending.delete(line.orderId);
    return { ...line, amountCents: line.amountCents + cents };
  });
}

/** `2026-06-17 08:14:22 UTC`, the date format of real V2 settlement files. */
function settlementDate(date: Date): string {
  return `${date.toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}

function dayOf(date: Date): string {
  return `${date.toISOString().slice(0, 10)} 00:00:00 UTC`;
}

function detailRow(
  period: SettlementPeriod,
  currency: string,
  line: MoneyLine,
  defects: RecordDefects,
): string[] {
  return [
    period.settlementId,
    '',
    '',
    '',
    '',
    currency,
    line.transactionType,
    line.orderId,
    '',
    line.adjustmentId,
    line.shipmentId,
    line.orderId === '' ? '' : 'Amazon.com',
    line.amountType,
    line.amountDescription,
    defectiveSettlementAmount(defects, line.orderId, formatCents(line.amountCents)),
    line.fulfillmentId,
    dayOf(line.posted),
    settlementDate(line.posted),
    line.orderItemCode,
    '',
    line.merchantAdjustmentItemId,
    line.sku,
    line.quantity === null ? '' : String(line.quantity),
    '',
  ];
}

/**
 * The V2 flat file: header, a summary row (dates and total only), then one row per money line. Lines in
 * `unwritten` count in the total but are not written; rows of orders with a settlement-row defect carry it.
 */
export function writeSettlementReport(
  period: SettlementPeriod,
  end: Date,
  currency: string,
  unwritten: MoneyLine[] = [],
  defects: RecordDefects = new Map(),
): string {
  const total = [...period.lines, ...unwritten].reduce((sum, line) => sum + line.amountCents, 0);
  const deposit = new Date(end.getTime() + 2 * DAY);
  const summary = [
    period.settlementId,
    settlementDate(period.start),
    settlementDate(end),
    settlementDate(deposit),
    formatCents(total),
    currency,
  ];
  const rows = [
    [...SETTLEMENT_COLUMNS],
    [...summary, ...Array<string>(SETTLEMENT_COLUMNS.length - summary.length).fill('')],
    ...period.lines.map((line) => detailRow(period, currency, line, defects)),
  ];
  return `${rows.map((row) => row.join('\t')).join('\n')}\n`;
}

function otherLine(
  period: SettlementPeriod,
  at: Date,
  transactionType: string,
  amountDescription: string,
  amountCents: number,
): MoneyLine {
  return {
    sellerId: period.sellerId,
    transactionType,
    orderId: '',
    adjustmentId: '',
    shipmentId: '',
    amountType: 'other-transaction',
    amountDescription,
    amountCents,
    fulfillmentId: '',
    posted: at,
    orderItemCode: '',
    merchantAdjustmentItemId: '',
    sku: '',
    quantity: null,
  };
}

/** Writes a closed period's file as it stands (defects included) and lists it as a DONE report made at `at`. */
function publishSettlementReport(sim: SimulationState, closed: ClosedPeriod, at: Date): SimReport {
  const { period, end } = closed;
  const content = writeSettlementReport(period, end, closed.currency, closed.unwritten, sim.store.defects);
  // Amazon serves US and European settlement files in Cp1252 and says so in the Content-Type.
  const document = storeDocument(
    sim,
    period.sellerId,
    'report',
    'text/plain;charset=Cp1252',
    iconv.encode(content, 'windows-1252'),
    false,
    at,
  );
  const seller = sim.store.sellers.get(period.sellerId);
  const report: SimReport = {
    reportId: sim.store.newReportId(),
    sellerId: period.sellerId,
    reportType: SETTLEMENT_REPORT_TYPE,
    marketplaceIds: seller ? [seller.marketplaceId] : [],
    dataStartTime: period.start,
    dataEndTime: end,
    createdTime: at,
    processingStatus: 'DONE',
    processingStartTime: at,
    processingEndTime: at,
    reportDocumentId: document.documentId,
  };
  sim.store.reports.set(report.reportId, report);
  return report;
}

/**
 * Amazon reissues a closed settlement's report: the same settlement id and period, written again as the
 * records now stand (a defect since corrected is gone), listed as a new report.
 */
export function reissueSettlementReport(
  sim: SimulationState,
  settlementId: string,
  at: Date,
): SimReport | undefined {
  const closed = sim.store.closedPeriods.get(settlementId);
  return closed ? publishSettlementReport(sim, closed, at) : undefined;
}

/** Ends every seller's open period at `at`: a DONE settlement report appears, a new period starts. */
export function closeSettlementPeriods(
  sim: SimulationState,
  at: Date,
  options: CloseOptions = {},
): SimReport[] {
  const closed: SimReport[] = [];
  for (const seller of sim.store.sellers.values()) {
    const period = sim.store.openPeriods.get(seller.sellerId) ?? {
      sellerId: seller.sellerId,
      settlementId: sim.store.newSettlementId(),
      start: new Date(at.getTime() - sim.settings.settlementPeriodMs),
      lines: [],
    };
    if (options.principalOffsets) offsetPrincipals(period, options.principalOffsets);
    period.lines.push(otherLine(period, at, 'ServiceFee', 'Subscription Fee', SUBSCRIPTION_FEE_CENTS));
    const reserve = options.reserveCents ?? 0;
    const reserveLine = otherLine(period, at, 'Transfer', 'Current Reserve Amount', -reserve);
    const unwritten = reserve > 0 && options.omitReserveLine ? [reserveLine] : [];
    if (reserve > 0 && !options.omitReserveLine) period.lines.push(reserveLine);
    const closedPeriod = { period, end: at, currency: seller.currency, unwritten };
    sim.store.closedPeriods.set(period.settlementId, closedPeriod);
    const report = publishSettlementReport(sim, closedPeriod, at);
    closed.push(report);
    if (options.listTwice) {
      const twin: SimReport = {
        ...report,
        reportId: sim.store.newReportId(),
        dataStartTime: new Date(period.start.getTime() + 1000),
      };
      sim.store.reports.set(twin.reportId, twin);
      closed.push(twin);
    }
    const next: SettlementPeriod = {
      sellerId: seller.sellerId,
      settlementId: sim.store.newSettlementId(),
      start: new Date(at.getTime() + 1000),
      lines: [],
    };
    if (reserve > 0)
      next.lines.push(otherLine(next, next.start, 'Transfer', 'Previous Reserve Amount Balance', reserve));
    sim.store.openPeriods.set(seller.sellerId, next);
  }
  return closed;
}
