import { getCompany } from '../companies/companies.service.js';
import type { FulfillmentWorld, SimOrderView } from '../fulfillment/fulfillment.test-support.js';
import { listRefunds } from './refunds.repository.js';
import { requestRefund, type RefundRequested } from './refunds.service.js';

/** Requests a refund the way the CLI does, with the company as stored now; no hold unless given. */
export async function refund(
  world: FulfillmentWorld,
  input: Record<string, unknown>,
  options: { holdMinutes?: number; now?: Date } = {},
): Promise<RefundRequested> {
  const company = await getCompany(world.context.db, world.company.id);
  return requestRefund(
    world.context.db,
    company,
    input,
    { holdMinutes: options.holdMinutes ?? 0 },
    options.now ?? world.now(),
  );
}

export async function refundsOf(world: FulfillmentWorld, amazonOrderId: string) {
  return (await listRefunds(world.context.db, world.company.id)).filter(
    (r) => r.amazonOrderId === amazonOrderId,
  );
}

/**
 * Creates the orders on the simulator, downloads them, ships every seller-fulfilled one whole (unless its
 * spec says `unshipped: true`) and lets Amazon confirm the shipments.
 */
export async function shippedOrders(
  world: FulfillmentWorld,
  specs: Record<string, unknown>[],
): Promise<SimOrderView[]> {
  const orders: SimOrderView[] = [];
  for (const { unshipped: _unshipped, ...spec } of specs) orders.push(await world.createOrder(spec));
  await world.downloadOrders();
  for (const [index, order] of orders.entries()) {
    if (specs[index]?.fulfilledBy !== 'AMAZON' && specs[index]?.unshipped !== true)
      await world.shipWholeOrder(order);
  }
  const upload = await world.run('fulfillment-upload');
  if (upload.status !== 'succeeded') throw new Error(`fulfillment upload ${upload.status}`);
  await world.finishFeeds();
  return orders;
}

export interface SimRefundView {
  orderItemId: string;
  refundedComponents: Record<string, number>;
}

/** What the simulated Amazon holds as refunded, per item and component (cents). */
export async function simRefunds(world: FulfillmentWorld, orderId: string): Promise<SimRefundView[]> {
  return (await world.control<{ refunds: SimRefundView[] }>('GET', `/orders/${orderId}`)).refunds;
}

export async function adjustmentFeeds(world: FulfillmentWorld) {
  const { feeds } = await world.control<{
    feeds: { feedId: string; feedType: string; content: string; validationErrors: string[] }[];
  }>('GET', '/feeds');
  return feeds.filter((f) => f.feedType === 'POST_PAYMENT_ADJUSTMENT_DATA');
}
