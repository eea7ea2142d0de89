import type { OrderFacts, OrderItemFacts } from './order-draft.js';
import type { CancelRequestState } from './orders.table.js';

/**
 * An order's state as the merge sees it: what is stored, and what a copy from Amazon (search page,
 * report line, getOrder) brings. Buyer data travels sealed: the merge decides where it goes, never reads it.
 */

/** Where a copy comes from: a report line lacks ship windows, buyer data and order item ids. */
export type CopySource = 'search' | 'report' | 'getOrder';

export interface MergeSource {
  kind: CopySource;
  /** `searchOrders:<window start>#<page>`, `report:<reportId>` or `getOrder(problem):<problem id>`. */
  label: string;
}

/** An item's buyer-written text: as stored (sealed, bound to its row) or just downloaded (sealed when written). */
export type ItemSecret = { sealed: string } | { plain: string };

export interface ItemState extends OrderItemFacts {
  customizedUrlEnc: ItemSecret | null;
  customizationRawEnc: ItemSecret | null;
  customizationSummary: string | null;
  /** The buyer's gift message. */
  giftMessageEnc: ItemSecret | null;
}

export interface HoldState {
  state: CancelRequestState;
  requestedAt: Date | null;
  reason: string | null;
  respondBy: Date | null;
  decidedAt: Date | null;
}

/** What Amazon's copy of an order carries, as the merge takes it in. */
export interface OrderCopy extends OrderFacts {
  note: string | null;
  cancelRequest: { reason: string | null } | null;
  cancellation: { cancelledBy: string | null; reason: string | null } | null;
  buyerEnc: string | null;
  recipientEnc: string | null;
  items: ItemState[];
}

/** An order as stored, everything the merge decides. */
export interface OrderState extends OrderFacts {
  note: string | null;
  hold: HoldState;
  cancelledBy: string | null;
  cancelReason: string | null;
  buyerEnc: string | null;
  recipientEnc: string | null;
  buyerDataErasedAt: Date | null;
  /** lastUpdatedAt of the complete copy the ship windows, subtypes and buyer data come from. */
  completeCopyAt: Date | null;
  eraseAfter: Date | null;
  items: ItemState[];
}

export interface MergeEvent {
  kind: 'first_seen' | 'status_changed' | 'cancelled' | 'cancel_requested' | 'cancel_request_decided';
  fromStatus: OrderFacts['status'] | null;
  toStatus: OrderFacts['status'] | null;
  detail: Record<string, unknown>;
}

/** A copy that was not applied, naming the order, the field and the source. */
export interface MergeProblem {
  amazonOrderId: string;
  field: string;
  source: string;
  problem: string;
}

export interface MergePolicy {
  /** BUYER_DATA_RETENTION_DAYS. */
  retentionDays: number;
}

export interface MergeResult {
  next: OrderState;
  events: MergeEvent[];
  problems: MergeProblem[];
  /** Whether `next` differs from what is stored (nothing to write otherwise). */
  changed: boolean;
}

export const NO_HOLD: HoldState = {
  state: 'none',
  requestedAt: null,
  reason: null,
  respondBy: null,
  decidedAt: null,
};

function sameValue(a: unknown, b: unknown): boolean {
  if (a instanceof Date && b instanceof Date) return a.getTime() === b.getTime();
  if (Array.isArray(a) && Array.isArray(b))
    return a.length === b.length && a.every((value, i) => sameValue(value, b[i]));
  if (a !== null && b !== null && typeof a === 'object' && typeof b === 'object') {
    const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
    return [...keys].every((key) =>
      sameValue((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key]),
    );
  }
  return a === b;
}

/** Two states are the same order state (dates compared by instant, items in order). */
export function sameState(a: OrderState, b: OrderState): boolean {
  return sameValue(a, b);
}
