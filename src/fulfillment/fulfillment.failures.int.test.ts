import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { updateCompany } from '../companies/companies.service.js';
import { followFeeds } from '../feeds/feed-follow.js';
import { listFeeds, moveFeed, readFeedContent } from '../feeds/feeds.repository.js';
import { storeFulfillmentFeeds } from './fulfillment-feed.js';
import { uploadFulfillments } from './fulfillment.upload.js';
import { startFulfillmentWorld, type FulfillmentWorld } from './fulfillment.test-support.js';
import { listShipments } from './shipments.repository.js';

let world: FulfillmentWorld;

beforeAll(async () => {
  world = await startFulfillmentWorld(33);
});

afterAll(async () => {
  await world?.close();
});

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
    const recorded = await world.shipWholeOrder(order);
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

  it('asks Amazon again when a download ran after the shipment but its window ended before it was recorded', async () => {
    const order = await world.createOrder({ items: [{ quantity: 1 }] });
    await world.downloadOrders();
    const recorded = await world.shipWholeOrder(order, '1Z999AA10123456787');
    await world.control('POST', `/orders/${order.orderId}/cancel`, { reason: 'Cancelled by Amazon' });
    // This run starts after the shipment was recorded, but its window ends two minutes before Amazon's
    // now: the cancellation is not in it, and our copy is current only up to that end.
    const download = await world.run('order-download');
    expect(download.status).toBe('succeeded');
    const feedsBefore = await simFeedCount();

    const upload = await world.run('fulfillment-upload');
    expect(upload.run?.counts).toMatchObject({ shipments: 0, prevented: 1, amazon_checks: 1 });
    expect((await shipment(recorded.id)).voidReason).toBe('order cancelled on Amazon before upload');
    expect(await simFeedCount()).toBe(feedsBefore);
  });

  it('puts the shipments of a FATAL feed back in line with a backoff, and logs the error', async () => {
    const order = await world.createOrder({ items: [{ quantity: 1 }] });
    await world.downloadOrders();
    const recorded = await world.shipWholeOrder(order);
    await world.control('POST', '/faults', { kind: 'feed-fatal', count: 1 });

    await world.run('fulfillment-upload');
    await world.advance(10);
    const followedAt = world.now();
    await followFeeds(await world.pipeline(), world.company.id, followedAt);
    const waiting = await shipment(recorded.id);
    expect(waiting.state).toBe('pending_upload');
    expect(waiting.uploadAttempts).toBe(1);
    // The first backoff, 5 minutes, counted on the clock of the run that saw the feed fail.
    expect(waiting.retryAfter).toEqual(new Date(followedAt.getTime() + 5 * 60_000));
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
    const recorded = await world.shipWholeOrder(order, '1Z999AA10123456785');
    // The upload run as far as createFeed, then the process dies before the feed id is recorded.
    const pipeline = await world.pipeline();
    const [stored] = await storeFulfillmentFeeds(world.context.db, world.company, [recorded.id]);
    const { content, contentType } = await readFeedContent(world.context.db, stored!.id);
    const document = await pipeline.amazon.createFeedDocument(contentType);
    await pipeline.amazon.uploadFeedDocument(document.url, contentType, content);
    await moveFeed(world.context.db, stored!.id, 'uploaded', { document_id: document.feedDocumentId });
    const attempt = await moveFeed(world.context.db, stored!.id, 'submitting', {
      submit_started_at: world.now(),
    });
    const created = await pipeline.amazon.createFeed({
      feedType: 'POST_ORDER_FULFILLMENT_DATA',
      marketplaceIds: world.company.marketplaceIds,
      inputFeedDocumentId: document.feedDocumentId,
    });

    // The restart comes after the landing horizon of the attempt the dead process made.
    const horizonMs = world.context.config.feeds.landingHorizonMinutes * 60_000;
    const restarted = await uploadFulfillments(
      pipeline,
      world.company,
      new Date(attempt!.submitStartedAt!.getTime() + horizonMs + 1_000),
    );
    expect(restarted.awaitingLandingUntil).toBeNull();
    const { feeds } = await world.control<{ feeds: { content: string }[] }>('GET', '/feeds');
    const tag = `<MerchantFulfillmentID>${recorded.id}</MerchantFulfillmentID>`;
    expect(feeds.filter((f) => f.content.includes(tag))).toHaveLength(1);
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
    const recorded = await world.shipWholeOrder(order);
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
    const recorded = await world.shipWholeOrder(order);
    await world.control('POST', `/orders/${order.orderId}/cancel`, { reason: 'Cancelled by Amazon' });
    await world.downloadOrders();

    const voided = await shipment(recorded.id);
    expect(voided.state).toBe('voided');
    expect(voided.voidReason).toMatch(/^order cancelled/);
    const upload = await world.run('fulfillment-upload');
    expect(upload.run?.counts).toMatchObject({ shipments: 0 });
  });
});
