import { readFileSync } from 'node:fs';
import { Ajv } from 'ajv';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cancel, simFeeds } from '../cancellations/cancellations.test-support.js';
import { listFeeds } from '../feeds/feeds.repository.js';
import { startFulfillmentWorld, type FulfillmentWorld } from '../fulfillment/fulfillment.test-support.js';
import { listZeroings } from './zeroings.repository.js';

const SCHEMA = JSON.parse(
  readFileSync('../shared/amazon/models/listings-feed-schema-v2.json', 'utf8'),
) as object;
const REPORT_SCHEMA = JSON.parse(
  readFileSync('../shared/amazon/models/listings-feed-processing-report-schema-v2.json', 'utf8'),
) as object;
const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false });

let world: FulfillmentWorld;
type Order = Awaited<ReturnType<FulfillmentWorld['createOrder']>>;
const bulk: Order[] = [];
const SKUS = Array.from({ length: 25 }, (_, i) => `SKU-BULK-${String(i + 1).padStart(2, '0')}`);

beforeAll(async () => {
  world = await startFulfillmentWorld(1210);
  // An order has at most 20 items: the 25 SKUs come from two orders.
  for (const skus of [SKUS.slice(0, 13), SKUS.slice(13)])
    bulk.push(await world.createOrder({ items: skus.map((sku) => ({ sku, quantity: 1 })) }));
  await world.downloadOrders();
});

afterAll(async () => {
  await world?.close();
});

describe('zeroing more than 20 SKUs at once', () => {
  it('sends one JSON_LISTINGS_FEED through the feed pipeline; the simulator applies it and reports per message', async () => {
    for (const [order, skus] of [
      [bulk[0]!, 13],
      [bulk[1]!, 12],
    ] as const) {
      const requested = await cancel(world, {
        amazonOrderId: order.orderId,
        reason: 'NoInventory',
        zeroInventory: true,
      });
      expect(requested.zeroings).toBe(skus);
    }
    // Amazon finds the first message invalid.
    await world.control('POST', '/faults', { kind: 'listing-invalid', count: 1 });

    const upload = await world.run('cancellation-upload');
    expect(upload.run?.counts).toMatchObject({ cancellations: 2, zeroings: 25 });
    const [stored] = await listFeeds(world.context.db, world.company.id, { kind: 'listings-zeroing' });
    expect(stored).toMatchObject({ feedType: 'JSON_LISTINGS_FEED', messageCount: 25, state: 'submitted' });
    expect((await listZeroings(world.context.db, world.company.id)).map((z) => z.state)).toEqual(
      Array(25).fill('in_feed'),
    );

    const [sent] = await simFeeds(world, 'JSON_LISTINGS_FEED');
    const document = JSON.parse(sent!.content) as {
      header: { sellerId: string };
      messages: { messageId: number; sku: string; operationType: string; patches: unknown[] }[];
    };
    const validate = ajv.compile(SCHEMA);
    expect(validate(document) ? [] : validate.errors).toEqual([]);
    expect(document.header.sellerId).toBe(world.company.sellerId);
    expect(document.messages.map((m) => m.sku).sort()).toEqual(SKUS);
    expect(document.messages[0]).toMatchObject({
      messageId: 1,
      operationType: 'PATCH',
      productType: 'PRODUCT',
      patches: [
        {
          op: 'merge',
          path: '/attributes/fulfillment_availability',
          value: [{ fulfillment_channel_code: 'DEFAULT', quantity: 0 }],
        },
      ],
    });
    const { requests } = await world.control<{ requests: { operation: string }[] }>('GET', '/requests');
    expect(requests.filter((r) => r.operation === 'patchListingsItem')).toEqual([]);

    await world.finishFeeds();
    const [done] = await listFeeds(world.context.db, world.company.id, { kind: 'listings-zeroing' });
    expect(done?.state).toBe('done');
    const zeroings = await listZeroings(world.context.db, world.company.id);
    const invalid = zeroings.filter((z) => z.state === 'invalid');
    expect(invalid).toHaveLength(1);
    expect(invalid[0]?.sku).toBe(document.messages[0]!.sku);
    expect(invalid[0]?.issues).toEqual([expect.objectContaining({ code: '90220', severity: 'ERROR' })]);
    expect(zeroings.filter((z) => z.state === 'accepted')).toHaveLength(24);
    expect(zeroings.every((z) => z.answeredAt !== null)).toBe(true);

    const { listings } = await world.control<{ listings: { sku: string; quantity: number | null }[] }>(
      'GET',
      '/listings',
    );
    const zero = listings.filter((l) => SKUS.includes(l.sku) && l.quantity === 0).map((l) => l.sku);
    expect(zero.sort()).toEqual(SKUS.filter((sku) => sku !== invalid[0]?.sku));

    // The report is Amazon's JSON listings report.
    expect((await simFeeds(world, 'JSON_LISTINGS_FEED'))[0]?.processingStatus).toBe('DONE');
    const again = await world.run('cancellation-upload');
    expect(again.run?.counts).toMatchObject({ zeroings: 0 });
  });

  it('the report the simulator writes conforms to the listings processing report schema', async () => {
    const [done] = await listFeeds(world.context.db, world.company.id, { kind: 'listings-zeroing' });
    const pipeline = await world.pipeline();
    const location = await pipeline.amazon.getFeedDocument(done!.resultDocumentId!);
    const chunks: Buffer[] = [];
    for await (const chunk of await pipeline.amazon.downloadDocument(location))
      chunks.push(Buffer.from(chunk));
    const report = JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown;
    const validate = ajv.compile(REPORT_SCHEMA);
    expect(validate(report) ? [] : validate.errors).toEqual([]);
    expect(report).toMatchObject({
      summary: { messagesProcessed: 25, messagesAccepted: 24, messagesInvalid: 1 },
    });
  });
});
