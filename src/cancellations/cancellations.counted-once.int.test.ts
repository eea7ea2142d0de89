import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFulfillmentWorld, type FulfillmentWorld } from '../fulfillment/fulfillment.test-support.js';
import { cancel, cancellationsOf, storedOrder } from './cancellations.test-support.js';

let world: FulfillmentWorld;
type Order = Awaited<ReturnType<FulfillmentWorld['createOrder']>>;
let order: Order;

beforeAll(async () => {
  world = await startFulfillmentWorld(1208);
  order = await world.createOrder({ items: [{ quantity: 4 }] });
  await world.downloadOrders();
});

afterAll(async () => {
  await world?.close();
});

async function cancelledUnits(): Promise<number> {
  return (await storedOrder(world, order.orderId)).items[0]!.quantity_cancelled;
}

async function cancelOne() {
  const item = order.orderItems[0]!.orderItemId;
  await cancel(world, {
    amazonOrderId: order.orderId,
    reason: 'NoInventory',
    items: [{ orderItemId: item, quantity: 1 }],
  });
  const upload = await world.run('cancellation-upload');
  expect(upload.run?.counts).toMatchObject({ cancellations: 1, feeds: 1 });
}

describe('a partial cancellation is counted once, whichever reaches us first', () => {
  it('the download shows Amazon’s cancellation before the processing report is applied', async () => {
    await cancelOne();
    // Amazon processes the feed; the order download sees the cancelled unit while our feed is still open.
    await world.advance(10);
    await world.downloadOrders();
    expect((await cancellationsOf(world, order.orderId))[0]?.state).toBe('in_feed');
    expect(await cancelledUnits()).toBe(1);

    await world.finishFeeds();
    expect((await cancellationsOf(world, order.orderId))[0]?.state).toBe('accepted');
    expect(await cancelledUnits()).toBe(1);
    await world.downloadOrders();
    expect(await cancelledUnits()).toBe(1);
  });

  it('the processing report is applied before the download shows it', async () => {
    await cancelOne();
    await world.finishFeeds();
    expect((await cancellationsOf(world, order.orderId)).map((c) => c.state)).toEqual([
      'accepted',
      'accepted',
    ]);
    expect(await cancelledUnits()).toBe(2);
    await world.downloadOrders();
    expect(await cancelledUnits()).toBe(2);
    const local = await storedOrder(world, order.orderId);
    expect(local.status).toBe('Unshipped');
    const onAmazon = (await world.simOrder(order.orderId)).orderItems[0] as {
      fulfillment?: { quantityUnfulfilled?: number };
    };
    expect(onAmazon.fulfillment?.quantityUnfulfilled).toBe(2);
  });
});
