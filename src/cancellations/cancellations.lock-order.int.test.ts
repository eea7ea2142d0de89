import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fulfillmentShipmentGuard } from '../fulfillment/cancellation-guard.js';
import { storeFulfillmentFeeds } from '../fulfillment/fulfillment-feed.js';
import { startFulfillmentWorld, type FulfillmentWorld } from '../fulfillment/fulfillment.test-support.js';
import { UsageError } from '../shared/errors.js';
import { heldQuantities } from './cancellations.repository.js';
import { cancel } from './cancellations.test-support.js';

let world: FulfillmentWorld;
type Order = Awaited<ReturnType<FulfillmentWorld['createOrder']>>;
const orders: Order[] = [];
const ROUNDS = 40;

beforeAll(async () => {
  world = await startFulfillmentWorld(1209);
  for (let i = 0; i < ROUNDS; i++) orders.push(await world.createOrder({ items: [{ quantity: 2 }] }));
  await world.downloadOrders();
});

afterAll(async () => {
  await world?.close();
});

/** Refusals are the expected answer of whichever comes second; anything else (a deadlock) is not. */
function refusedOrDone<T>(work: Promise<T>): Promise<T | 'refused'> {
  return work.catch((err: unknown) => {
    if (err instanceof UsageError) return 'refused';
    throw err;
  });
}

function ship(order: Order, quantity: number) {
  return world.recordShipment({
    amazonOrderId: order.orderId,
    carrier: 'UPS',
    trackingNumber: '1Z999AA10123456784',
    shipDate: world.now().toISOString(),
    items: [{ orderItemId: order.orderItems[0]!.orderItemId, quantity }],
  });
}

/** Units of the order's item held by cancellations plus those in shipments that may still go out. */
async function committedUnits(order: Order): Promise<number> {
  const row = await world.context.db
    .selectFrom('orders')
    .select('id')
    .where('amazon_order_id', '=', order.orderId)
    .executeTakeFirstOrThrow();
  const held = [...(await heldQuantities(world.context.db, [row.id])).values()].reduce((a, b) => a + b, 0);
  const { pending, inUpload } = await world.context.db
    .transaction()
    .execute((tx) => fulfillmentShipmentGuard.unitsInShipments(tx, row.id));
  const shipping = [...pending.values(), ...inUpload.values()].reduce((a, b) => a + b, 0);
  return held + shipping;
}

describe('cancelling, shipping and building the fulfillment feed at once', () => {
  it('never deadlock and never commit more units than were ordered', async () => {
    const company = world.company;
    for (const order of orders) {
      const waiting = await ship(order, 2);
      const item = order.orderItems[0]!.orderItemId;
      const outcomes = await Promise.all([
        refusedOrDone(
          cancel(world, {
            amazonOrderId: order.orderId,
            reason: 'NoInventory',
            items: [{ orderItemId: item, quantity: 1 }],
          }),
        ),
        refusedOrDone(storeFulfillmentFeeds(world.context.db, company, [waiting.id])),
        refusedOrDone(ship(order, 1)),
      ]);
      expect(outcomes).toHaveLength(3);
      expect(await committedUnits(order)).toBeLessThanOrEqual(2);
    }
  }, 300_000);
});
