import type { ColumnType, Generated, Selectable } from 'kysely';
import type { AdjustmentComponent, AdjustmentReason } from './adjustment-codes.js';

/**
 * A refund, from the operator's request to Amazon's verdict:
 *   requested  recorded; counts against what is left; undoable until a feed takes it (after hold_until)
 *   in_feed    part of a payment-adjustment feed that has not finished
 *   accepted   Amazon refunded it (or Amazon itself issued it: initiated_by amazon)
 *   rejected   Amazon refused it (result_code / result_message); it no longer counts
 *   cancelled  undone by the operator before any feed took it
 */
export const REFUND_STATES = ['requested', 'in_feed', 'accepted', 'rejected', 'cancelled'] as const;
export type RefundState = (typeof REFUND_STATES)[number];

export const REFUND_TRANSITIONS: Record<RefundState, readonly RefundState[]> = {
  requested: ['in_feed', 'rejected', 'cancelled'],
  in_feed: ['accepted', 'rejected', 'requested'],
  accepted: [],
  rejected: [],
  cancelled: [],
};

/** The states whose amounts count against what is left to refund. */
export const COUNTING_STATES = ['requested', 'in_feed', 'accepted'] as const;

export function refundStatesLeadingTo(to: RefundState): RefundState[] {
  return REFUND_STATES.filter((from) => REFUND_TRANSITIONS[from].includes(to));
}

export const INITIATORS = ['seller', 'amazon'] as const;
export type RefundInitiator = (typeof INITIATORS)[number];

type Defaulted<T> = ColumnType<T, T | undefined, T>;

export interface RefundsTable {
  id: Generated<number>;
  company_id: number;
  order_id: number;
  amazon_order_id: string;
  marketplace_id: string;
  currency: string;
  reason: AdjustmentReason;
  initiated_by: RefundInitiator;
  /** Everything still refundable was asked for (--full). */
  full: Defaulted<boolean>;
  state: Defaulted<RefundState>;
  /** No feed takes the refund before this time: until then it can be undone. */
  hold_until: Date;
  feed_id: number | null;
  attempts: Defaulted<number>;
  retry_after: Date | null;
  last_error: string | null;
  result_code: string | null;
  result_message: string | null;
  requested_at: Defaulted<Date>;
  finished_at: Date | null;
  updated_at: Defaulted<Date>;
}

/** One adjusted line (AdjustedItem) of a refund, with its MerchantAdjustmentItemID. */
export interface RefundItemsTable {
  refund_id: number;
  order_item_row_id: number;
  order_item_id: string;
  merchant_adjustment_item_id: string;
  quantity: number | null;
}

/** One component of an adjusted line: the amount is the line total, not per unit. */
export interface RefundLinesTable {
  refund_id: number;
  order_item_row_id: number;
  component: AdjustmentComponent;
  /** numeric decimal string in the refund's currency; negative only for RestockingFee. */
  amount: string;
  /** The settlement line that confirmed it; written by settlement reconciliation. */
  settlement_line_ref: string | null;
}

export type RefundRow = Selectable<RefundsTable>;
