import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fulfillmentMetrics } from '../fulfillment/metrics.js';
import { startFulfillmentWorld, type FulfillmentWorld } from '../fulfillment/fulfillment.test-support.js';
import { listAtRiskOrders, listCancelRequestsAtRisk } from '../orders/orders.queries.js';
import { declineCancelRequest } from './cancellations.service.js';
import { cancel } from './cancellations.test-support.js';

let world: FulfillmentWorld;
type Order = Awaited<ReturnType<FulfillmentWorld['createOrder']>>;
const orders: Record<string, Order> = {};
/** When the buyer of `unanswered` asked, as stored (Amazon's time); every clock below is pinned to it. */
let requestedAt: Date;
const HOUR = 3_600_000;

beforeAll(async () => {
  world = await startFulfillmentWorld(1206);
  for (const name of ['unanswered', 'accepted', 'declined']) {
    orders[name] = await world.createOrder({ items: [{ quantity: 1 }] });
    await world.control('POST', `/orders/${orders[name]!.orderId}/buyer-cancel-request`, {
      reason: 'Delivery too slow',
    });
  }
  await world.downloadOrders();
  const rows = await world.context.db
    .selectFrom('orders')
    .select(['amazon_order_id', 'cancel_requested_at', 'cancel_respond_by'])
    .where('company_id', '=', world.company.id)
    .where('cancel_request_state', '=', 'requested')
    .execute();
  expect(rows).toHaveLength(3);
  for (const row of rows)
    expect(row.cancel_respond_by!.getTime() - row.cancel_requested_at!.getTime()).toBe(48 * HOUR);
  requestedAt = rows.find((r) => r.amazon_order_id === orders.unanswered!.orderId)!.cancel_requested_at!;
  await cancel(world, { amazonOrderId: orders.accepted!.orderId, reason: 'BuyerCanceled' }, requestedAt);
  await declineCancelRequest(world.context.db, world.company.id, orders.declined!.orderId, requestedAt);
});

afterAll(async () => {
  await world?.close();
});

const at = (hoursAfterRequest: number) => new Date(requestedAt.getTime() + hoursAfterRequest * HOUR);

async function requestsAtRisk(now: Date) {
  return listCancelRequestsAtRisk(world.context.db, world.company.id, 100, now);
}

async function metricCount(now: Date): Promise<number> {
  const [metrics] = await fulfillmentMetrics(
    world.context.db,
    world.company.id,
    world.company.marketplaceIds,
    24,
    now,
  );
  expect(metrics?.cancelRequestsAtRisk.withinHours).toBe(12);
  return metrics!.cancelRequestsAtRisk.count;
}

describe('unanswered buyer cancellation requests close to their respond-by deadline', () => {
  it('are not at risk more than 12 h before the deadline', async () => {
    expect(await requestsAtRisk(at(35.9))).toEqual([]);
    expect(await metricCount(at(35.9))).toBe(0);
  });

  it('are at risk from 12 h before the deadline, answered ones never', async () => {
    const [unanswered, ...others] = await requestsAtRisk(at(36));
    expect(others).toEqual([]);
    expect(unanswered).toMatchObject({
      amazonOrderId: orders.unanswered!.orderId,
      risk: 'cancel-request',
      hoursLeft: 12,
      late: false,
    });
    const atRisk = await listAtRiskOrders(world.context.db, world.company.id, 1, 100, at(37));
    const requests = atRisk.filter((o) => o.risk === 'cancel-request');
    expect(requests.map((o) => [o.amazonOrderId, o.hoursLeft])).toEqual([[orders.unanswered!.orderId, 11]]);
    const hours = atRisk.map((o) => o.hoursLeft);
    expect(hours).toEqual([...hours].sort((a, b) => a - b));
    expect(await metricCount(at(37))).toBe(1);
  });

  it('stay at risk, late, past the deadline until answered; then they are gone', async () => {
    const [late] = await requestsAtRisk(at(50));
    expect(late).toMatchObject({ amazonOrderId: orders.unanswered!.orderId, hoursLeft: -2, late: true });
    await declineCancelRequest(world.context.db, world.company.id, orders.unanswered!.orderId, at(50));
    expect(await requestsAtRisk(at(50))).toEqual([]);
    expect(await metricCount(at(50))).toBe(0);
  });
});
