import { DAY } from './clock.js';
import { storeDocument } from './documents.js';
import { formatCents, type MoneyLine } from './model.js';
import type { SimReport } from './records.js';
import type { SimulationState } from './types.js';
import type { SettlementPeriod } from './store.js';

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

/** `2026-06-17 08:14:22 UTC`, the date format of real V2 settlement files. */
function settlementDate(date: Date): string {
  return `${date.toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}

function dayOf(date: Date): string {
  return `${date.toISOString().slice(0, 10)} 00:00:00 UTC`;
}

function detailRow(period: SettlementPeriod, currency: string, line: MoneyLine): string[] {
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
    formatCents(line.amountCents),
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

/** The V2 flat file: header, a summary row (dates and total only), then one row per money line. */
export function writeSettlementReport(period: SettlementPeriod, end: Date, currency: string): string {
  const total = period.lines.reduce((sum, line) => sum + line.amountCents, 0);
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
    ...period.lines.map((line) => detailRow(period, currency, line)),
  ];
  return `${rows.map((row) => row.join('\t')).join('\n')}\n`;
}

function serviceFeeLine(period: SettlementPeriod, at: Date): MoneyLine {
  return {
    sellerId: period.sellerId,
    transactionType: 'ServiceFee',
    orderId: '',
    adjustmentId: '',
    shipmentId: '',
    amountType: 'other-transaction',
    amountDescription: 'Subscription Fee',
    amountCents: SUBSCRIPTION_FEE_CENTS,
    fulfillmentId: '',
    posted: at,
    orderItemCode: '',
    merchantAdjustmentItemId: '',
    sku: '',
    quantity: null,
  };
}

/** Ends every seller's open period at `at`: a DONE settlement report appears, a new period starts. */
export function closeSettlementPeriods(sim: SimulationState, at: Date): SimReport[] {
  const closed: SimReport[] = [];
  for (const seller of sim.store.sellers.values()) {
    const period = sim.store.openPeriods.get(seller.sellerId) ?? {
      sellerId: seller.sellerId,
      settlementId: sim.store.newSettlementId(),
      start: new Date(at.getTime() - sim.settings.settlementPeriodMs),
      lines: [],
    };
    period.lines.push(serviceFeeLine(period, at));
    const content = writeSettlementReport(period, at, seller.currency);
    const document = storeDocument(
      sim,
      seller.sellerId,
      'report',
      'text/tab-separated-values',
      content,
      false,
      at,
    );
    const report: SimReport = {
      reportId: sim.store.newReportId(),
      sellerId: seller.sellerId,
      reportType: SETTLEMENT_REPORT_TYPE,
      marketplaceIds: [seller.marketplaceId],
      dataStartTime: period.start,
      dataEndTime: at,
      createdTime: at,
      processingStatus: 'DONE',
      processingStartTime: at,
      processingEndTime: at,
      reportDocumentId: document.documentId,
    };
    sim.store.reports.set(report.reportId, report);
    sim.store.openPeriods.set(seller.sellerId, {
      sellerId: seller.sellerId,
      settlementId: sim.store.newSettlementId(),
      start: new Date(at.getTime() + 1000),
      lines: [],
    });
    closed.push(report);
  }
  return closed;
}
