import type { OrderBalance } from './refundable.js';

/**
 * The order's payment as refunds leave it: paid (charged, nothing refunded yet), partially_refunded,
 * refunded (everything charged given back). Only refunds Amazon accepted count; pending before shipment.
 */
export const REFUND_PAYMENT_STATUSES = ['pending', 'paid', 'partially_refunded', 'refunded'] as const;
export type RefundPaymentStatus = (typeof REFUND_PAYMENT_STATUSES)[number];

export function refundPaymentStatus(balance: OrderBalance): RefundPaymentStatus {
  if (balance.charged === 0n) return 'pending';
  const accepted = balance.refunded - balance.inFlight;
  if (accepted <= 0n) return 'paid';
  return accepted >= balance.charged ? 'refunded' : 'partially_refunded';
}
