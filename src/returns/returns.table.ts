import type { ColumnType, Generated, Selectable } from 'kysely';

/**
 * A seller-fulfilled return (RMA), from authorization to its refund:
 *   authorized  the buyer may send the units back
 *   received    the units arrived: refund within 2 business days (refund_by), or Amazon may refund instead
 *   refunded    a refund was requested for it (refund_id); back to received if Amazon rejects it (with
 *               Amazon's message in refund_problem) or it is undone
 *   closed      Amazon accepted the refund (moved in the transaction that applies Amazon's verdict)
 */
export const RETURN_STATES = ['authorized', 'received', 'refunded', 'closed'] as const;
export type ReturnState = (typeof RETURN_STATES)[number];

export const RETURN_CONDITIONS = [
  'sellable',
  'damaged',
  'defective',
  'opened',
  'missing-parts',
  'wrong-item',
] as const;
export type ReturnCondition = (typeof RETURN_CONDITIONS)[number];

type Defaulted<T> = ColumnType<T, T | undefined, T>;

export interface ReturnsTable {
  id: Generated<number>;
  company_id: number;
  order_id: number;
  amazon_order_id: string;
  reason: string;
  condition: ReturnCondition;
  state: Defaulted<ReturnState>;
  refund_id: number | null;
  authorized_at: Defaulted<Date>;
  received_at: Date | null;
  refund_by: Date | null;
  refunded_at: Date | null;
  closed_at: Date | null;
  /** Amazon's message when it rejected the return's last refund; cleared by the next refund. */
  refund_problem: string | null;
  updated_at: Defaulted<Date>;
}

export interface ReturnItemsTable {
  return_id: number;
  order_item_row_id: number;
  order_item_id: string;
  quantity: number;
}

export type ReturnRow = Selectable<ReturnsTable>;
