import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFulfillmentWorld, type FulfillmentWorld } from '../fulfillment/fulfillment.test-support.js';
import { followUpRacingAnotherWriter } from '../fulfillment/order-lock-race.test-support.js';
import { cancel, cancellationsOf, storedOrder } from './cancellations.test-support.js';

let world: FulfillmentWorld;

beforeAll(async () => {
  world = await startFulfillmentWorld(54);
});

afterAll(async () => {
  await world?.close();
});

describe('closing a cancellation feed beside another writer of its order', () => {
  it('takes the order row before the items, as recording a cancellation does: no deadlock, both finish', async () => {
    const order = await world.createOrder({ items: [{ quantity: 2 }, { quantity: 1 }] });
    await world.downloadOrders();
    await cancel(world, { amazonOrderId: order.orderId, reason: 'NoInventory' });
    expect((await world.run('cancellation-upload')).status).toBe('succeeded');
    const { followUp, feed } = await followUpRacingAnotherWriter(world, order.orderId);

    expect(followUp.status).toBe('succeeded');
    expect(feed).toMatchObject({ state: 'done', error: null });
    expect((await cancellationsOf(world, order.orderId)).map((c) => c.state)).toEqual(['accepted']);
    expect((await storedOrder(world, order.orderId)).status).toBe('Canceled');
  });
});
