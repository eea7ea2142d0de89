import { withCancellationTimeline } from './cancellations/cancellation-timeline.js';
import type { Db } from './db/client.js';
import { listAtRiskOrders } from './orders/orders.queries.js';
import { showOrders } from './orders/orders.service.js';
import { withRefundTimeline } from './refunds/refund-timeline.js';
import { storedPaymentStatus } from './refunds/payment-status.refresh.js';
import { returnsAtRisk } from './returns/returns.service.js';
import type { Keyring } from './shared/crypto.js';
import { withSettlementTimeline } from './settlements/settlements.queries.js';

/**
 * An order as the operator sees it (`orders show`, the admin API): the download's details with every
 * seller cancellation, zeroed SKU, refund and settlement line in its timeline, and its payment status.
 * One per company that has an order with this id.
 */
export async function showOrderStories(
  db: Db,
  keyring: Keyring,
  amazonOrderId: string,
  withBuyerData: boolean,
) {
  const orders = await showOrders(db, keyring, amazonOrderId, withBuyerData);
  return Promise.all(
    orders.map(async (d) => {
      const { companyId, id } = d.order;
      const cancellations = await withCancellationTimeline(db, companyId, id, amazonOrderId, d.timeline);
      const refunds = await withRefundTimeline(db, companyId, id, cancellations);
      return {
        ...d,
        refundPaymentStatus: await storedPaymentStatus(db, companyId, amazonOrderId),
        timeline: await withSettlementTimeline(db, companyId, amazonOrderId, refunds),
      };
    }),
  );
}

export type OrderStory = Awaited<ReturnType<typeof showOrderStories>>[number];

/**
 * What needs the seller soon, soonest deadline first: seller-fulfilled orders late or due to ship within
 * the hours, buyer cancellation requests near their respond-by deadline, and received returns near their
 * refund-by deadline (past it, Amazon may refund the buyer at the seller's cost).
 */
export async function listAtRiskWork(
  db: Db,
  companyId: number | undefined,
  hours: number,
  limit: number,
  now: Date,
): Promise<Record<string, unknown>[]> {
  const orders = (await listAtRiskOrders(db, companyId, hours, limit, now)) as unknown as Record<
    string,
    unknown
  >[];
  const returns = (await returnsAtRisk(db, companyId, hours, now)).map((r) => ({
    companyId: r.companyId,
    amazonOrderId: r.amazonOrderId,
    status: r.rmaId,
    risk: 'return-refund-by',
    refundBy: r.refundBy,
    hoursLeft: r.hoursLeft,
    late: r.late,
  }));
  return [...orders, ...returns].sort((a, b) => Number(a.hoursLeft) - Number(b.hoursLeft)).slice(0, limit);
}
