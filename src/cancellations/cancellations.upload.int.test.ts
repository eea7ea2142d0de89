import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { validateOrderFeed } from '../amazon/feed-schema.js';
import { followFeeds } from '../feeds/feed-follow.js';
import { listFeeds } from '../feeds/feeds.repository.js';
import { startFulfillmentWorld, type FulfillmentWorld } from '../fulfillment/fulfillment.test-support.js';
import { listZeroings } from '../inventory/zeroings.repository.js';
import {
  cancel,
  cancellationsOf,
  simFeeds,
  storedOrder,
  type SimItemView,
} from './cancellations.test-support.js';

let world: FulfillmentWorld;
type Order = Awaited<ReturnType<FulfillmentWorld['createOrder']>>;
const orders: Record<string, Order> = {};

const SPECS: Record<string, Record<string, unknown>> = {
  whole: { items: [{ quantity: 1 }, { quantity: 2 }] },
  partial: { items: [{ quantity: 2 }, { quantity: 1 }] },
  gone: { items: [{ quantity: 1 }] },
  zeroed: { items: [{ sku: 'SKU-NOSTOCK-1', quantity: 1 }] },
  aliased: { items: [{ quantity: 1 }], sellerOrderId: 'BACKOFFICE-10042' },
  fatal: { items: [{ quantity: 1 }] },
};

beforeAll(async () => {
  world = await startFulfillmentWorld(1202);
  for (const [name, spec] of Object.entries(SPECS)) orders[name] = await world.createOrder(spec);
  await world.downloadOrders();
});

afterAll(async () => {
  await world?.close();
});

const acknowledgementFeeds = () => simFeeds(world, 'POST_ORDER_ACKNOWLEDGEMENT_DATA');

async function simItems(orderId: string): Promise<SimItemView[]> {
  return (await world.simOrder(orderId)).orderItems as SimItemView[];
}

describe('cancellation upload against the simulator', () => {
  it('cancels a whole order: one XSD-valid feed, accepted, Canceled on both sides', async () => {
    const order = orders.whole!;
    const requested = await cancel(world, {
      amazonOrderId: order.orderId,
      reason: 'ShippingAddressUndeliverable',
    });
    expect(requested.cancellation).toMatchObject({ state: 'requested', wholeOrder: true });

    const upload = await world.run('cancellation-upload');
    expect(upload.run?.counts).toMatchObject({ cancellations: 1, feeds: 1, invalid: 0 });
    const [inFeed] = await cancellationsOf(world, order.orderId);
    expect(inFeed?.state).toBe('in_feed');
    const [sent] = await acknowledgementFeeds();
    expect(sent?.content).toContain('<StatusCode>Failure</StatusCode>');
    expect(sent?.content).toContain('<CancelReason>ShippingAddressUndeliverable</CancelReason>');
    expect(sent?.content).not.toContain('<Quantity>');
    expect((await validateOrderFeed(sent!.content)).errors).toEqual([]);

    await world.finishFeeds();
    const [accepted] = await cancellationsOf(world, order.orderId);
    expect(accepted).toMatchObject({ state: 'accepted', resultMessage: null });
    expect((await storedOrder(world, order.orderId)).status).toBe('Canceled');
    expect((await world.simOrder(order.orderId)).fulfillment?.fulfillmentStatus).toBe('CANCELLED');
  });

  it('names the order by the seller’s own order id too (MerchantOrderID) when Amazon gave one', async () => {
    const order = orders.aliased!;
    await cancel(world, { amazonOrderId: order.orderId, reason: 'ShippingAddressUndeliverable' });
    await world.run('cancellation-upload');
    const sent = (await acknowledgementFeeds()).find((feed) => feed.content.includes(order.orderId));
    expect(sent?.content).toContain(
      `<AmazonOrderID>${order.orderId}</AmazonOrderID><MerchantOrderID>BACKOFFICE-10042</MerchantOrderID>`,
    );
    expect((await validateOrderFeed(sent!.content)).errors).toEqual([]);
    await world.finishFeeds();
    expect((await cancellationsOf(world, order.orderId))[0]?.state).toBe('accepted');
    // The other orders have no seller order id: their messages name them by AmazonOrderID alone.
    const others = (await acknowledgementFeeds()).filter((feed) => !feed.content.includes(order.orderId));
    for (const feed of others) expect(feed.content).not.toContain('<MerchantOrderID>');
  });

  it('cancels some units of one line: Quantity sent, the rest still to ship on both sides', async () => {
    const order = orders.partial!;
    const [first, second] = order.orderItems;
    await cancel(world, {
      amazonOrderId: order.orderId,
      reason: 'NoInventory',
      items: [{ orderItemId: first!.orderItemId, quantity: 1 }],
    });
    await world.run('cancellation-upload');
    const feeds = await acknowledgementFeeds();
    expect(feeds.at(-1)?.content).toMatch(
      new RegExp(
        `<AmazonOrderItemCode>${first!.orderItemId}</AmazonOrderItemCode><CancelReason>NoInventory</CancelReason><Quantity>1</Quantity>`,
      ),
    );
    await world.finishFeeds();

    const local = await storedOrder(world, order.orderId);
    expect(local.status).toBe('Unshipped');
    expect(local.items.map((i) => [i.order_item_id, i.quantity_cancelled])).toEqual([
      [first!.orderItemId, 1],
      [second!.orderItemId, 0],
    ]);
    const onAmazon = await simItems(order.orderId);
    expect(onAmazon.find((i) => i.orderItemId === first!.orderItemId)?.fulfillment?.quantityUnfulfilled).toBe(
      1,
    );
    expect((await world.simOrder(order.orderId)).fulfillment?.fulfillmentStatus).toBe('UNSHIPPED');
  });

  it('shows Amazon’s message when it rejects a cancellation, and keeps the units held', async () => {
    const order = orders.gone!;
    await cancel(world, { amazonOrderId: order.orderId, reason: 'NoInventory' });
    // Amazon cancels the order itself before our feed is processed.
    await world.control('POST', `/orders/${order.orderId}/cancel`, { reason: 'Cancelled by Amazon' });
    await world.run('cancellation-upload');
    await world.finishFeeds();
    const [rejected] = await cancellationsOf(world, order.orderId);
    expect(rejected).toMatchObject({ state: 'rejected', resultCode: '18028' });
    expect(rejected?.resultMessage).toMatch(/is cancelled/);
    await expect(cancel(world, { amazonOrderId: order.orderId, reason: 'NoInventory' })).rejects.toThrow(
      /already being cancelled/,
    );
  });

  it('zeroes the SKU of a NoInventory cancellation on Amazon and records Amazon’s answer', async () => {
    const order = orders.zeroed!;
    await cancel(world, { amazonOrderId: order.orderId, reason: 'NoInventory', zeroInventory: true });
    const upload = await world.run('cancellation-upload');
    expect(upload.run?.counts).toMatchObject({ cancellations: 1, zeroings: 1 });
    const [zeroing] = await listZeroings(world.context.db, world.company.id);
    expect(zeroing).toMatchObject({ sku: 'SKU-NOSTOCK-1', state: 'accepted', amazonOrderId: order.orderId });
    expect(zeroing?.submissionId).toBeTruthy();
    const { listings } = await world.control<{ listings: { sku: string; quantity: number | null }[] }>(
      'GET',
      '/listings',
    );
    expect(listings.find((l) => l.sku === 'SKU-NOSTOCK-1')?.quantity).toBe(0);
    // A second run sends nothing again.
    const again = await world.run('cancellation-upload');
    expect(again.run?.counts).toMatchObject({ cancellations: 0, zeroings: 0 });
    expect(
      (await listFeeds(world.context.db, world.company.id, { kind: 'order-acknowledgement' })).length,
    ).toBe(5);
  });

  it('sends the cancellation of a FATAL feed back to wait, its backoff counted on our clock', async () => {
    const order = orders.fatal!;
    await cancel(world, { amazonOrderId: order.orderId, reason: 'NoInventory' });
    await world.control('POST', '/faults', { kind: 'feed-fatal', count: 1 });
    await world.run('cancellation-upload');
    await world.advance(10);
    const followedAt = world.now();
    await followFeeds(await world.pipeline(), world.company.id, followedAt);
    const [waiting] = await cancellationsOf(world, order.orderId);
    expect(waiting).toMatchObject({
      state: 'requested',
      attempts: 1,
      lastError: expect.stringMatching(/FATAL/),
    });
    expect(waiting?.retryAfter).toEqual(new Date(followedAt.getTime() + 5 * 60_000));
    // Within the backoff the next run leaves it alone.
    const again = await world.run('cancellation-upload');
    expect(again.run?.counts).toMatchObject({ cancellations: 0 });
  });
});
