import type { CancelRequestState, OrderStatus } from './orders.table.js';

/**
 * The moves Amazon makes between order statuses (docs/orders.md, "Status"). Any status may stay as it is;
 * a move not listed (Shipped → Unshipped, anything out of Canceled) is one Amazon never makes: the copy
 * showing it is set aside as a download problem instead of being applied. The table is closed under
 * succession, so a copy that skips statuses we never saw (Pending → Shipped) is still accepted.
 */
export const STATUS_TRANSITIONS: Readonly<Record<OrderStatus, readonly OrderStatus[]>> = {
  PendingAvailability: [
    'Pending',
    'Unshipped',
    'PartiallyShipped',
    'Shipped',
    'InvoiceUnconfirmed',
    'Canceled',
    'Unfulfillable',
  ],
  Pending: ['Unshipped', 'PartiallyShipped', 'Shipped', 'InvoiceUnconfirmed', 'Canceled', 'Unfulfillable'],
  Unshipped: ['PartiallyShipped', 'Shipped', 'InvoiceUnconfirmed', 'Canceled', 'Unfulfillable'],
  PartiallyShipped: ['Shipped', 'InvoiceUnconfirmed', 'Canceled'],
  // The electronic invoice (Brazil, Easy Ship) can be confirmed, or rejected after a confirmation.
  InvoiceUnconfirmed: ['Shipped'],
  Shipped: ['InvoiceUnconfirmed'],
  Unfulfillable: ['Canceled'],
  Canceled: [],
};

export function statusMoveAllowed(from: OrderStatus, to: OrderStatus): boolean {
  return from === to || STATUS_TRANSITIONS[from].includes(to);
}

/**
 * What moves the buyer-cancellation hold: a copy from Amazon showing the buyer's request, the seller's
 * answer, the answer's deadline passing, and Amazon cancelling the order.
 */
export type HoldEvent =
  | 'buyer_requested'
  | 'seller_accepted'
  | 'seller_declined'
  | 'deadline_passed'
  | 'order_cancelled'
  | 'acceptance_withdrawn';

/**
 * none → requested → accepted | declined | expired; accepted → requested when the seller releases an
 * acceptance Amazon rejected. Only a decision (the seller's answer, its deadline, or
 * Amazon's cancellation, which accepts the request) ends a hold; a copy still showing the request after a
 * decision changes nothing. A pair not listed leaves the state as it is.
 */
export const HOLD_TRANSITIONS: Readonly<
  Record<CancelRequestState, Partial<Record<HoldEvent, CancelRequestState>>>
> = {
  none: { buyer_requested: 'requested' },
  requested: {
    seller_accepted: 'accepted',
    seller_declined: 'declined',
    deadline_passed: 'expired',
    order_cancelled: 'accepted',
  },
  // The seller gave up a BuyerCanceled cancellation Amazon rejected: the request is open again.
  accepted: { acceptance_withdrawn: 'requested' },
  declined: {},
  expired: {},
};

export function holdAfter(state: CancelRequestState, event: HoldEvent): CancelRequestState {
  return HOLD_TRANSITIONS[state][event] ?? state;
}

/** The order is held back from shipping while the request is open, and once the seller has accepted it. */
export function isOnHold(state: CancelRequestState): boolean {
  return state === 'requested' || state === 'accepted';
}
