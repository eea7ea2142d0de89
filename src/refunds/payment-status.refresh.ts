import type { Db, Tx } from '../db/client.js';
import {
  lockOrdersForRefund,
  ordersWithRefundPaymentStatus,
  readOrderForRefund,
  storeRefundPaymentStatuses,
} from '../orders/orders.refunding.js';
import { balancesOf } from './order-balances.js';
import { refundPaymentStatus, type RefundPaymentStatus } from './payment-status.js';

/**
 * Computes the orders' payment status from what was charged, our refunds Amazon accepted and the refunds
 * settlements show that are not ours, and stores it on each order, in the caller's transaction: every
 * event that changes it calls this in its own transaction (a refund's verdict, a settlement's refunds).
 * The orders are row-locked, so two refreshes of one order are one after the other and the later one
 * sees what the earlier one committed. Returns the status of each order found.
 */
export async function refreshPaymentStatus(
  tx: Tx,
  companyId: number,
  amazonOrderIds: readonly string[],
): Promise<Map<string, RefundPaymentStatus>> {
  const orders = await lockOrdersForRefund(tx, companyId, [...new Set(amazonOrderIds)]);
  const balances = await balancesOf(tx, companyId, orders);
  const statuses = balances.map(({ order, balance }) => ({
    orderId: order.id,
    amazonOrderId: order.amazonOrderId,
    status: refundPaymentStatus(balance),
  }));
  await storeRefundPaymentStatuses(tx, statuses);
  return new Map(statuses.map((s) => [s.amazonOrderId, s.status]));
}

/**
 * After what was charged may have changed (units shipped, an order downloaded again): refreshes the
 * orders whose status is already stored. The others are computed on their first read, which keeps a
 * download of thousands of orders free of this work.
 */
export async function refreshStoredPaymentStatus(
  tx: Tx,
  companyId: number,
  amazonOrderIds: readonly string[],
): Promise<void> {
  const stored = await ordersWithRefundPaymentStatus(tx, companyId, amazonOrderIds);
  if (stored.length > 0) await refreshPaymentStatus(tx, companyId, stored);
}

/** The order's stored payment status; an order stored before the status was kept gets its first refresh. */
export async function storedPaymentStatus(
  db: Db,
  companyId: number,
  amazonOrderId: string,
): Promise<RefundPaymentStatus | null> {
  const order = await readOrderForRefund(db, companyId, amazonOrderId);
  if (!order) return null;
  if (order.refundPaymentStatus !== null) return order.refundPaymentStatus;
  return db
    .transaction()
    .execute(
      async (tx) => (await refreshPaymentStatus(tx, companyId, [amazonOrderId])).get(amazonOrderId) ?? null,
    );
}
