import { REFUND_PAYMENT_STATUSES, type RefundPaymentStatus } from '../orders/orders.table.js';
import type { OrderBalance } from './refundable.js';

export { REFUND_PAYMENT_STATUSES, type RefundPaymentStatus };

/**
 * The order's payment as refunds leave it: pending (nothing charged yet: nothing shipped), paid (charged,
 * nothing given back), partially_refunded, refunded (everything charged given back). What counts is
 * what was given back for sure: our refunds Amazon accepted and the refunds the settlements show that
 * are not ours (Amazon's own, or given outside sellersync); refunds in flight do not.
 */
export function refundPaymentStatus(balance: OrderBalance): RefundPaymentStatus {
  if (balance.charged === 0n) return 'pending';
  const accepted = balance.refunded - balance.inFlight;
  if (accepted <= 0n) return 'paid';
  return accepted >= balance.charged ? 'refunded' : 'partially_refunded';
}
