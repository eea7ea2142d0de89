import type { ColumnType, Generated, Selectable } from 'kysely';
import type { SettlementFormat } from './flat-file.types.js';

type Defaulted<T> = ColumnType<T, T | undefined, T>;
/** numeric columns: pg returns decimal strings, and decimal strings are written. */
type Decimal = string;

/**
 * One Amazon settlement of a company, whatever the number of files or listings that brought it:
 *   ingesting  its lines are being written (a first file, or a reissue replacing the earlier one)
 *   complete   every line is in; its total has been checked against the sum of its lines
 */
export type SettlementState = 'ingesting' | 'complete';

export interface SettlementsTable {
  id: Generated<number>;
  company_id: number;
  settlement_id: string;
  format: SettlementFormat;
  state: SettlementState;
  revision: Defaulted<number>;
  marketplace_name: string | null;
  currency: string | null;
  start_at: Date | null;
  end_at: Date | null;
  deposit_at: Date | null;
  total_amount: Decimal;
  lines_sum: Decimal | null;
  line_count: Defaulted<number>;
  quarantined_count: Defaulted<number>;
  /** total-amount = the sum of the lines; null until complete. */
  adds_up: boolean | null;
  /** Previous Reserve Amount Balance and Current Reserve Amount: money Amazon held back. */
  reserve_previous: Decimal | null;
  reserve_current: Decimal | null;
  /** Lines a reissue in progress has changed so far (kept across a killed run). */
  changed_rows_pending: Defaulted<number>;
  /** The total before the reissue in progress. */
  total_before: Decimal | null;
  /** `report:<reportId>` or `file:<name>`: what brought the current revision. */
  source: string;
  ingested_at: Date | null;
  created_at: ColumnType<Date, never, never>;
  updated_at: Defaulted<Date>;
}

export interface SettlementLinesTable {
  settlement_pk: number;
  line: number;
  sub: number;
  transaction_type: string;
  order_id: string | null;
  merchant_order_id: string | null;
  adjustment_id: string | null;
  shipment_id: string | null;
  marketplace_name: string | null;
  amount_type: string;
  amount_description: string;
  amount: Decimal;
  fulfillment_id: string | null;
  posted_at: Date | null;
  posted_raw: string | null;
  order_item_code: string | null;
  merchant_order_item_id: string | null;
  merchant_adjustment_item_id: string | null;
  sku: string | null;
  quantity: number | null;
  promotion_id: string | null;
}

export interface SettlementQuarantineTable {
  settlement_pk: number;
  line: number;
  reason: string;
  raw: string;
}

/** What a reissued file changed, recorded once its revision is complete. */
export interface SettlementRevisionsTable {
  id: Generated<number>;
  settlement_pk: number;
  revision: number;
  source: string;
  changed_rows: number;
  removed_rows: number;
  total_before: Decimal;
  total_after: Decimal;
  recorded_at: Defaulted<Date>;
}

/** A settlement report listed by getReports and ingested: never downloaded again. */
export interface SettlementReportsTable {
  company_id: number;
  report_id: string;
  settlement_pk: number | null;
  data_start_time: Date | null;
  data_end_time: Date | null;
  created_time: Date | null;
  ingested_at: Defaulted<Date>;
}

export interface SettlementDiscrepanciesTable {
  id: Generated<number>;
  company_id: number;
  settlement_pk: number | null;
  kind: string;
  /** What makes it one discrepancy (an order, a refund line, a settlement): found again, it is not doubled. */
  key: string;
  amazon_order_id: string | null;
  detail: ColumnType<Record<string, unknown>, string | undefined, string>;
  found_at: Defaulted<Date>;
  resolved_at: Date | null;
}

export type SettlementRow = Selectable<SettlementsTable>;
export type SettlementLineRow = Selectable<SettlementLinesTable>;
export type SettlementDiscrepancyRow = Selectable<SettlementDiscrepanciesTable>;

export interface SettlementRefundsTable {
  settlement_pk: number;
  amazon_order_id: string;
  refund_key: string;
  transaction_type: string;
  order_item_code: string | null;
  adjustment_id: string | null;
  merchant_adjustment_item_id: string | null;
  posted_at: Date | null;
  /** `seller`: it carries our MerchantAdjustmentItemID; `amazon`: A-to-z, customer service, refund at first scan. */
  initiated_by: 'seller' | 'amazon';
  principal: Decimal;
  tax: Decimal;
  shipping: Decimal;
  promotions: Decimal;
  other: Decimal;
  commission_refunded: Decimal;
  admin_fee: Decimal;
  /** Amazon's rule: the lesser of the marketplace cap and 20 % of the refunded referral fee (negative). */
  expected_admin_fee: Decimal;
  admin_fee_cap: Decimal | null;
  matched_refund_id: number | null;
}

export type SettlementRefundRow = Selectable<SettlementRefundsTable>;
