import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { validateOrderFeed } from '../amazon/feed-schema.js';
import { listFeeds } from '../feeds/feeds.repository.js';
import { listShipments } from './shipments.repository.js';
import { startFulfillmentWorld, type FulfillmentWorld } from './fulfillment.test-support.js';

let world: FulfillmentWorld;

beforeAll(async () => {
  world = await startFulfillmentWorld(21);
});

afterAll(async () => {
  await world?.close();
});

async function downloadedOrder(items: { quantity: number }[]) {
  const order = await world.createOrder({ items });
  await world.downloadOrders();
  return order;
}

async function orderStatus(amazonOrderId: string) {
  const row = await world.context.db
    .selectFrom('orders')
    .select(['status'])
    .where('amazon_order_id', '=', amazonOrderId)
    .executeTakeFirstOrThrow();
  return row.status;
}

describe('fulfillment upload against the simulator', () => {
  it('uploads a recorded shipment and confirms it: the order is Shipped on both sides', async () => {
    const order = await downloadedOrder([{ quantity: 2 }]);
    const item = order.orderItems[0]!;
    const shipment = await world.recordShipment({
      amazonOrderId: order.orderId,
      carrier: 'UPS',
      shippingMethod: 'UPS Ground',
      trackingNumber: '1Z999AA10123456784',
      shipDate: world.now().toISOString(),
      items: [{ orderItemId: item.orderItemId, quantity: 2 }],
    });
    expect(shipment.state).toBe('pending_upload');

    const upload = await world.run('fulfillment-upload');
    expect(upload.status).toBe('succeeded');
    expect(upload.run?.counts).toMatchObject({ shipments: 1, feeds: 1, prevented: 0 });
    const [uploading] = await listShipments(world.context.db, world.company.id, { ids: [shipment.id] });
    expect(uploading?.state).toBe('uploading');
    // The feed is followed by a delayed follow-up job, not by a process waiting for it.
    const followUps = await world.queues['feed-follow-up'].getDelayed();
    expect(followUps.map((job) => job.data)).toEqual([{ companyId: world.company.id, trigger: 'schedule' }]);
    const early = await world.run('feed-follow-up');
    expect(early.run?.counts).toMatchObject({ feeds_checked: 0, feeds_finished: 0 });

    await world.finishFeeds();
    const [confirmed] = await listShipments(world.context.db, world.company.id, { ids: [shipment.id] });
    expect(confirmed?.state).toBe('confirmed');
    expect(await orderStatus(order.orderId)).toBe('Shipped');
    const onAmazon = await world.simOrder(order.orderId);
    expect(onAmazon.fulfillment?.fulfillmentStatus).toBe('SHIPPED');
    expect(onAmazon.packages?.[0]?.trackingNumber).toBe('1Z999AA10123456784');
    const feeds = await listFeeds(world.context.db, world.company.id);
    expect(feeds.map((f) => f.state)).toEqual(['done']);
  });

  it('ships an order in two partial shipments over two runs', async () => {
    const order = await downloadedOrder([{ quantity: 3 }]);
    const item = order.orderItems[0]!;
    const ship = (quantity: number, tracking: string) =>
      world.recordShipment({
        amazonOrderId: order.orderId,
        carrier: 'USPS',
        trackingNumber: tracking,
        shipDate: world.now().toISOString(),
        items: [{ orderItemId: item.orderItemId, quantity }],
      });
    const first = await ship(1, '9400111899223197428490');
    await world.run('fulfillment-upload');
    await world.finishFeeds();
    expect(await orderStatus(order.orderId)).toBe('PartiallyShipped');
    expect((await world.simOrder(order.orderId)).fulfillment?.fulfillmentStatus).toBe('PARTIALLY_SHIPPED');
    await expect(ship(3, '9400111899223197428491')).rejects.toThrow(/only 2 left/);

    const second = await ship(2, '9400111899223197428491');
    await world.run('fulfillment-upload');
    await world.finishFeeds();
    const states = await listShipments(world.context.db, world.company.id, { ids: [first.id, second.id] });
    expect(states.map((s) => s.state)).toEqual(['confirmed', 'confirmed']);
    expect(await orderStatus(order.orderId)).toBe('Shipped');
    const onAmazon = await world.simOrder(order.orderId);
    expect(onAmazon.fulfillment?.fulfillmentStatus).toBe('SHIPPED');
    expect(onAmazon.packages).toHaveLength(2);
  });

  it('applies a mixed processing report per message: accepted ones confirmed, rejected ones kept with Amazon’s code', async () => {
    const accepted = await downloadedOrder([{ quantity: 1 }]);
    const refused = await downloadedOrder([{ quantity: 1 }]);
    const record = (orderId: string, orderItemId: string) =>
      world.recordShipment({
        amazonOrderId: orderId,
        carrier: 'FedEx',
        trackingNumber: '123456789012',
        shipDate: world.now().toISOString(),
        items: [{ orderItemId, quantity: 1 }],
      });
    const good = await record(accepted.orderId, accepted.orderItems[0]!.orderItemId);
    const bad = await record(refused.orderId, refused.orderItems[0]!.orderItemId);
    const upload = await world.run('fulfillment-upload');
    expect(upload.run?.counts).toMatchObject({ shipments: 2, feeds: 1 });
    // Amazon cancels one order while the feed waits in its queue: that message fails, the other is applied.
    await world.control('POST', `/orders/${refused.orderId}/cancel`, { reason: 'Cancelled by Amazon' });
    await world.finishFeeds();

    const [goodAfter, badAfter] = await listShipments(world.context.db, world.company.id, {
      ids: [good.id, bad.id],
    });
    expect(goodAfter?.state).toBe('confirmed');
    expect(badAfter?.state).toBe('rejected');
    expect(badAfter?.resultCode).toBe('18028');
    expect(badAfter?.resultMessage).toMatch(/cancel/i);
    expect(await orderStatus(accepted.orderId)).toBe('Shipped');
    const feed = (await listFeeds(world.context.db, world.company.id)).at(-1);
    expect(feed?.summary).toMatchObject({
      messagesProcessed: 2,
      messagesSuccessful: 1,
      messagesWithError: 1,
    });
  });

  it('sends feeds valid against Amazon’s schema in which &, <, quotes and non-ASCII survive', async () => {
    const order = await downloadedOrder([{ quantity: 1 }]);
    const carrierName = `Dépôt & "Söhne" <Express> 'Nord'`;
    const method = 'Überland & <Eil>';
    await world.recordShipment({
      amazonOrderId: order.orderId,
      carrier: carrierName,
      shippingMethod: method,
      trackingNumber: 'ÜB-4711 & <1>',
      shipDate: world.now().toISOString(),
      items: [{ orderItemId: order.orderItems[0]!.orderItemId, quantity: 1 }],
    });
    await world.run('fulfillment-upload');
    await world.finishFeeds();
    const onAmazon = await world.simOrder(order.orderId);
    expect(onAmazon.packages?.[0]).toMatchObject({ carrier: carrierName, trackingNumber: 'ÜB-4711 & <1>' });

    const { feeds } = await world.control<{
      feeds: { feedType: string; content: string; validationErrors: string[] }[];
    }>('GET', '/feeds');
    expect(feeds.length).toBeGreaterThanOrEqual(4);
    for (const feed of feeds) {
      expect(feed.feedType).toBe('POST_ORDER_FULFILLMENT_DATA');
      const validation = await validateOrderFeed(feed.content);
      expect(validation.errors).toEqual([]);
      expect(feed.content).not.toMatch(/Buyer|Recipient|AddressLine/);
    }
  });
});
