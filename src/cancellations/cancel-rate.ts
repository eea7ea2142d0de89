import type { CancelReason } from './cancel-reasons.js';

/**
 * Amazon's pre-fulfilment cancel rate: orders the seller cancelled before ship confirmation, over all
 * seller-fulfilled orders, in the last 7 days (REFERENCE §9). A BuyerCanceled cancellation of an order
 * whose buyer asked to cancel does not count; any other reason, or BuyerCanceled without a request, does.
 */
export const CANCEL_RATE_THRESHOLD = 0.025;
export const CANCEL_RATE_WINDOW_MS = 7 * 86_400_000;

export function countsAgainstCancelRate(reason: CancelReason, buyerRequested: boolean): boolean {
  return !(reason === 'BuyerCanceled' && buyerRequested);
}

export interface CancelRateInput {
  /** Seller-fulfilled orders received in the window. */
  ordersInWindow: number;
  /** Orders of the window already carrying a counting seller cancellation. */
  cancelledOrders: number;
  /** Whether this cancellation counts and its order is not among `cancelledOrders` yet. */
  addsOrder: boolean;
  /** Whether this cancellation's order was received in the window (an older order leaves the rate as it is). */
  orderInWindow: boolean;
}

export interface CancelRate {
  rate: number;
  cancelledOrders: number;
  orders: number;
  threshold: number;
  aboveThreshold: boolean;
}

/** The rate the account will show once this cancellation is done. */
export function projectCancelRate(input: CancelRateInput): CancelRate {
  const orders = Math.max(input.ordersInWindow, 0);
  const adds = input.addsOrder && input.orderInWindow ? 1 : 0;
  const cancelledOrders = Math.min(Math.max(input.cancelledOrders, 0) + adds, orders);
  const rate = orders === 0 ? 0 : cancelledOrders / orders;
  return {
    rate,
    cancelledOrders,
    orders,
    threshold: CANCEL_RATE_THRESHOLD,
    aboveThreshold: rate > CANCEL_RATE_THRESHOLD,
  };
}

export function describeCancelRate(rate: CancelRate): string {
  const percent = (value: number) => `${(value * 100).toFixed(2)} %`;
  return (
    `projected pre-fulfilment cancel rate (7 days): ${percent(rate.rate)} ` +
    `(${rate.cancelledOrders} of ${rate.orders} orders; Amazon's target is below ${percent(rate.threshold)})`
  );
}
