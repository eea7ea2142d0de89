import type { ColumnType, Selectable } from 'kysely';

/** numeric columns: pg returns decimal strings, and decimal strings are written. */
type Decimal = string;

export interface RefundedItem {
  sku: string;
  component: string;
  amount: string;
}

/** A transaction the Finances API (listTransactions, 2024-06-19) reported for an order with open questions. */
export interface FinanceTransactionsTable {
  company_id: number;
  /** Amazon's transactionId; without one, `<type>:<order>:<refund or shipment id>:<posted>`. */
  transaction_id: string;
  amazon_order_id: string;
  transaction_type: string;
  /** DEFERRED, RELEASED or DEFERRED_RELEASED, as last read. */
  transaction_status: string | null;
  description: string | null;
  posted_at: Date;
  total_amount: Decimal;
  /** Refunds: what went back to the buyer (the product charges given back, positive); null otherwise. */
  given_back: Decimal | null;
  currency: string;
  refund_id: string | null;
  shipment_id: string | null;
  /** A deferred transaction's release date (DeferredContext.maturityDate). */
  maturity_at: Date | null;
  /** Refunds only: `seller` when it is one of ours Amazon accepted, `amazon` otherwise. */
  initiated_by: 'seller' | 'amazon' | null;
  matched_refund_id: number | null;
  /** The settlement that later carried the same refund (by order and adjustment id): it confirms this one. */
  settlement_id: string | null;
  raw: ColumnType<unknown, string, string>;
  /** Refunds: what went back per SKU and adjustment component (positive decimal strings). */
  refunded_items: ColumnType<RefundedItem[], string | undefined, string>;
  first_seen_at: Date;
  updated_at: Date;
}

/** How far a company's transactions are stored, and the window being read (resumed at its next page). */
export interface FinanceCursorsTable {
  company_id: number;
  stored_before: Date;
  window_start: Date | null;
  window_end: Date | null;
  next_token: string | null;
  updated_at: Date;
}

export type FinanceTransactionRow = Selectable<FinanceTransactionsTable>;
