import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFulfillmentWorld, type FulfillmentWorld } from './fulfillment.test-support.js';
import { followUpRacingAnotherWriter } from './order-lock-race.test-support.js';

let world: FulfillmentWorld;

beforeAll(async () => {
  world = await startFulfillmentWorld(53);
});

afterAll(async () => {
  await world?.close();
});

describe('closing a fulfillment feed beside another writer of its order', () => {
  it('takes the order row before the items, as recording a shipment does: no deadlock, both finish', async () => {
    const order = await world.createOrder({ items: [{ quantity: 2 }, { quantity: 1 }] });
    await world.downloadOrders();
    await world.shipWholeOrder(order);
    expect((await world.run('fulfillment-upload')).status).toBe('succeeded');
    const { followUp, feed } = await followUpRacingAnotherWriter(world, order.orderId);

    expect(followUp.status).toBe('succeeded');
    expect(feed).toMatchObject({ state: 'done', error: null });
    const stored = await world.context.db
      .selectFrom('orders')
      .select('status')
      .where('amazon_order_id', '=', order.orderId)
      .executeTakeFirstOrThrow();
    expect(stored.status).toBe('Shipped');
  });
});
