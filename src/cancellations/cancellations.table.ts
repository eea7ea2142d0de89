import type { ColumnType, Generated, Selectable, Updateable } from 'kysely';
import type { CancelReason } from './cancel-reasons.js';

/**
 * A seller cancellation, from the operator's request to Amazon's verdict:
 *   requested  recorded; its units can no longer be shipped; waiting for the next cancellation upload
 *   in_feed    part of an order-acknowledgement feed that has not finished
 *   accepted   Amazon cancelled the units; the order's items carry them as cancelled
 *   rejected   Amazon refused (result_code / result_message); the units stay held until requeued or released
 *   released   given up by the operator after a rejection; the units are shippable again
 */
export const CANCELLATION_STATES = ['requested', 'in_feed', 'accepted', 'rejected', 'released'] as const;
export type CancellationState = (typeof CANCELLATION_STATES)[number];

export const CANCELLATION_TRANSITIONS: Record<CancellationState, readonly CancellationState[]> = {
  requested: ['in_feed', 'rejected'],
  in_feed: ['accepted', 'rejected', 'requested'],
  accepted: [],
  rejected: ['requested', 'released'],
  released: [],
};

/** The states whose units are held: not shippable, not cancellable again. */
export const HOLDING_STATES = ['requested', 'in_feed', 'rejected'] as const;

export function cancellationStatesLeadingTo(to: CancellationState): CancellationState[] {
  return CANCELLATION_STATES.filter((from) => CANCELLATION_TRANSITIONS[from].includes(to));
}

type Defaulted<T> = ColumnType<T, T | undefined, T>;

export interface CancellationsTable {
  id: Generated<number>;
  company_id: number;
  order_id: number;
  amazon_order_id: string;
  marketplace_id: string;
  reason: CancelReason;
  /** Every unit left of the order (the message lists the items without quantities). */
  whole_order: boolean;
  /** The buyer had asked Amazon to cancel: BuyerCanceled then does not count against the cancel rate. */
  buyer_requested: boolean;
  /** BuyerCanceled without a buyer request, accepted by the operator's --force. */
  forced: Defaulted<boolean>;
  zero_inventory: Defaulted<boolean>;
  state: Defaulted<CancellationState>;
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

export interface CancellationItemsTable {
  cancellation_id: number;
  order_item_row_id: number;
  order_item_id: string;
  sku: string | null;
  quantity: number;
  /** Units of the item already cancelled when this line was requested; null for lines recorded before it was kept. */
  cancelled_before: number | null;
}

export type CancellationRow = Selectable<CancellationsTable>;
export type CancellationRowUpdate = Updateable<CancellationsTable>;
