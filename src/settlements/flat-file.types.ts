/** What a settlement flat file (V2, or the older V1) holds, read into typed values. */

export type SettlementFormat = 'v2' | 'v1';

export interface SettlementSummary {
  /** Line of the file (the header is line 1). */
  line: number;
  settlementId: string;
  startAt: Date | null;
  endAt: Date | null;
  depositAt: Date | null;
  totalAmount: string;
  currency: string | null;
}

/** One money line: a (transaction, amount-type, amount-description) amount, signed from the seller's view. */
export interface SettlementLine {
  line: number;
  /** Position within the line: V1 rows carry several amounts (price, fee, …) on one line. */
  sub: number;
  transactionType: string;
  orderId: string | null;
  merchantOrderId: string | null;
  adjustmentId: string | null;
  shipmentId: string | null;
  marketplaceName: string | null;
  amountType: string;
  amountDescription: string;
  amount: string;
  fulfillmentId: string | null;
  postedAt: Date | null;
  /** posted-date-time (or posted-date) as written. */
  postedRaw: string | null;
  orderItemCode: string | null;
  merchantOrderItemId: string | null;
  merchantAdjustmentItemId: string | null;
  sku: string | null;
  quantity: number | null;
  promotionId: string | null;
}

export interface QuarantinedRow {
  line: number;
  reason: string;
  /** The row as written, tab-separated. */
  raw: string;
}

export type FlatFileEvent =
  | { kind: 'summary'; format: SettlementFormat; summary: SettlementSummary }
  | { kind: 'line'; line: SettlementLine }
  | { kind: 'quarantined'; row: QuarantinedRow };
