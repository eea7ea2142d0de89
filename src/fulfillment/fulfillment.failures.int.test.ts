import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { updateCompany } from '../companies/companies.service.js';
import { listFeeds, moveFeed, readFeedContent } from '../feeds/feeds.repository.js';
import { storeFulfillmentFeeds } from './fulfillment-feed.js';
import {
  startFulfillmentWorld,
  type FulfillmentWorld,
  type SimOrderView,
} from './fulfillment.test-support.js';
import { listShipments } from './shipments.repository.js';
import { recordShipment } from './shipments.service.js';

let world: FulfillmentWorld;

beforeAll(async () => {
  world = await startFulfillmentWorld(33);
});

afterAll(async () => {
  await world?.close();
});

async function shipWholeOrder(order: SimOrderView, tracking = '1Z999AA10123456784') {
  return recordShipment(world.context.db, world.company.id, {
    amazonOrderId: order.orderId,
    carrier: 'UPS',
    trackingNumber: tracking,
    shipDate: new Date().toISOString(),
    items: order.orderItems.map((item) => ({
      orderItemId: item.orderItemId,
      quantity: item.quantityOrdered,
    })),
  });
}

async function simFeedCount(): Promise<number> {
  return (await world.control<{ feeds: unknown[] }>('GET', '/feeds')).feeds.length;
}

async function shipment(id: number) {
  const [found] = await listShipments(world.context.db, world.company.id, { ids: [id] });
  return found!;
}

describe('fulfillment upload when things go wrong', () => {
  it('never uploads a shipment whose order Amazon cancelled after it was recorded', async () => {
    const order = await world.createOrder({ items: [{ quantity: 1 }] });
    await world.downloadOrders();
    const recorded = await shipWholeOrder(order);
    await world.control('POST', `/orders/${order.orderId}/cancel`, { reason: 'Cancelled by Amazon' });
    const feedsBefore = await simFeedCount();

    const upload = await world.run('fulfillment-upload');
    expect(upload.run?.counts).toMatchObject({ shipments: 0, feeds: 0, prevented: 1, amazon_checks: 1 });
    const voided = await shipment(recorded.id);
    expect(voided.state).toBe('voided');
    expect(voided.voidReason).toBe('order cancelled on Amazon before upload');
    expect(await simFeedCount()).toBe(feedsBefore);
    expect((await world.simOrder(order.orderId)).packages ?? []).toHaveLength(0);
  });

  it('puts the shipments of a FATAL feed back in line with a backoff, and logs the error', async () => {
    const order = await world.createOrder({ items: [{ quantity: 1 }] });
    await world.downloadOrders();
    const recorded = await shipWholeOrder(order);
    await world.control('POST', '/faults', { kind: 'feed-fatal', count: 1 });

    await world.run('fulfillment-upload');
    await world.finishFeeds();
    const waiting = await shipment(recorded.id);
    expect(waiting.state).toBe('pending_upload');
    expect(waiting.uploadAttempts).toBe(1);
    expect(waiting.retryAfter!.getTime()).toBeGreaterThan(Date.now());
    expect(waiting.lastError).toMatch(/FATAL/);
    expect(world.context.logs.entries().some((e) => e.msg === 'feed failed' && e.level === 50)).toBe(true);
    const [fatal] = (await listFeeds(world.context.db, world.company.id)).filter((f) => f.state === 'fatal');
    expect(fatal?.amazonStatus).toBe('FATAL');

    // Within the backoff the next run leaves it alone; nothing is dropped.
    const again = await world.run('fulfillment-upload');
    expect(again.run?.counts).toMatchObject({ shipments: 0 });
    expect((await shipment(recorded.id)).state).toBe('pending_upload');
  });

  it('finds a feed created just before the process died instead of sending the shipments twice', async () => {
    const order = await world.createOrder({ items: [{ quantity: 1 }] });
    await world.downloadOrders();
    const recorded = await shipWholeOrder(order, '1Z999AA10123456785');
    // The upload run as far as createFeed, then the process dies before the feed id is recorded.
    const pipeline = await world.pipeline();
    const [stored] = await storeFulfillmentFeeds(world.context.db, world.company, [recorded.id]);
    const { content, contentType } = await readFeedContent(world.context.db, stored!.id);
    const document = await pipeline.amazon.createFeedDocument(contentType);
    await pipeline.amazon.uploadFeedDocument(document.url, contentType, content);
    await moveFeed(world.context.db, stored!.id, 'uploaded', { document_id: document.feedDocumentId });
    await moveFeed(world.context.db, stored!.id, 'submitting', { submit_started_at: new Date() });
    const created = await pipeline.amazon.createFeed({
      feedType: 'POST_ORDER_FULFILLMENT_DATA',
      marketplaceIds: world.company.marketplaceIds,
      inputFeedDocumentId: document.feedDocumentId,
    });
    const feedsBefore = await simFeedCount();

    const restarted = await world.run('fulfillment-upload');
    expect(restarted.status).toBe('succeeded');
    expect(await simFeedCount()).toBe(feedsBefore);
    const [recovered] = (await listFeeds(world.context.db, world.company.id)).filter(
      (f) => f.id === stored!.id,
    );
    expect(recovered).toMatchObject({ state: 'submitted', amazonFeedId: created.feedId });

    await world.finishFeeds();
    expect((await shipment(recorded.id)).state).toBe('confirmed');
    const onAmazon = await world.simOrder(order.orderId);
    expect(onAmazon.packages?.filter((p) => p.trackingNumber === '1Z999AA10123456785')).toHaveLength(1);
  });

  it('stops uploading while the company turns fulfillment upload off, and keeps the shipments waiting', async () => {
    const order = await world.createOrder({ items: [{ quantity: 1 }] });
    await world.downloadOrders();
    const recorded = await shipWholeOrder(order);
    await updateCompany(world.context.db, world.context.config.keyring, world.company.id, {
      allowFulfillmentUpload: false,
    });
    const feedsBefore = await simFeedCount();

    const skipped = await world.run('fulfillment-upload');
    expect(skipped.status).toBe('skipped');
    expect(await simFeedCount()).toBe(feedsBefore);
    expect((await shipment(recorded.id)).state).toBe('pending_upload');

    await updateCompany(world.context.db, world.context.config.keyring, world.company.id, {
      allowFulfillmentUpload: true,
    });
    const resumed = await world.run('fulfillment-upload');
    expect(resumed.run?.counts).toMatchObject({ shipments: 1 });
  });

  it('voids a waiting shipment when the order download finds the order cancelled by Amazon', async () => {
    const order = await world.createOrder({ items: [{ quantity: 1 }] });
    await world.downloadOrders();
    const recorded = await shipWholeOrder(order);
    await world.control('POST', `/orders/${order.orderId}/cancel`, { reason: 'Cancelled by Amazon' });
    await world.downloadOrders();

    const voided = await shipment(recorded.id);
    expect(voided.state).toBe('voided');
    expect(voided.voidReason).toMatch(/^order cancelled/);
    const upload = await world.run('fulfillment-upload');
    expect(upload.run?.counts).toMatchObject({ shipments: 0 });
  });

  it('looks for the feed with getFeeds after createFeed failed on the way, then submits it once', async () => {
    const order = await world.createOrder({ items: [{ quantity: 1 }] });
    await world.downloadOrders();
    const recorded = await shipWholeOrder(order, '1Z999AA10123456786');
    const feedsBefore = await simFeedCount();
    await world.control('POST', '/faults', { kind: 'drop-connection', operation: 'createFeed', count: 1 });

    const failed = await world.run('fulfillment-upload');
    expect(failed.status).toBe('failed');
    const [interrupted] = (await listFeeds(world.context.db, world.company.id)).filter(
      (f) => f.state === 'submitting',
    );
    expect(interrupted).toBeDefined();

    const retried = await world.run('fulfillment-upload');
    expect(retried.status).toBe('succeeded');
    const { requests } = await world.control<{ requests: { operation: string }[] }>('GET', '/requests');
    expect(requests.filter((r) => r.operation === 'getFeeds').length).toBeGreaterThanOrEqual(1);
    expect(await simFeedCount()).toBe(feedsBefore + 1);
    await world.finishFeeds();
    expect((await shipment(recorded.id)).state).toBe('confirmed');
  });
});
