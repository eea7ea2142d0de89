import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listFeeds } from '../feeds/feeds.repository.js';
import { listShipments } from './shipments.repository.js';
import { recordShipment } from './shipments.service.js';
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
  await world.advance(5);
  const download = await world.run('order-download');
  expect(download.status).toBe('succeeded');
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
    const shipment = await recordShipment(world.context.db, world.company.id, {
      amazonOrderId: order.orderId,
      carrier: 'UPS',
      shippingMethod: 'UPS Ground',
      trackingNumber: '1Z999AA10123456784',
      shipDate: new Date().toISOString(),
      items: [{ orderItemId: item.orderItemId, quantity: 2 }],
    });
    expect(shipment.state).toBe('pending_upload');

    const upload = await world.run('fulfillment-upload');
    expect(upload.status).toBe('succeeded');
    expect(upload.run?.counts).toMatchObject({ shipments: 1, feeds: 1, prevented: 0 });
    const [uploading] = await listShipments(world.context.db, world.company.id, { ids: [shipment.id] });
    expect(uploading?.state).toBe('uploading');

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
});
