import { strFromU8, unzipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FAST_GATEWAY } from '../../test/amazon/helpers.js';
import { createTestContext, type TestContext } from '../../test/helpers/context.js';
import { createAmazonPortFactory } from '../companies/companies.amazon.js';
import type { AmazonPort } from '../amazon/port.js';
import { createCompany } from '../companies/companies.service.js';
import { startSimulator, type SimulatorServer } from './server.js';
import { envelope } from './sim-client.test-support.js';
import { DEFAULT_SELLER } from './simulation.js';

/** The production gateway, unchanged, against the simulator: a company whose endpoint is the simulator's URL. */

let context: TestContext;
let server: SimulatorServer;
let port: AmazonPort;

async function readAll(stream: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.from(chunk as Buffer));
  return Buffer.concat(chunks).toString('utf8');
}

beforeAll(async () => {
  context = await createTestContext();
  server = await startSimulator({ seed: 9 });
  const company = await createCompany(context.db, context.config.keyring, {
    name: 'Simulated seller',
    sellerId: DEFAULT_SELLER.sellerId,
    region: 'na',
    marketplaceIds: [DEFAULT_SELLER.marketplaceId],
    endpoint: server.url,
    lwaClientId: DEFAULT_SELLER.clientId,
    lwaClientSecret: DEFAULT_SELLER.clientSecret,
    refreshToken: DEFAULT_SELLER.refreshToken,
  });
  const factory = createAmazonPortFactory(
    { config: context.config, db: context.db, redis: context.gatewayRedis, logger: context.logger },
    FAST_GATEWAY,
  );
  port = await factory.forCompany(company.id);
});

afterAll(async () => {
  await server.close();
  await context.cleanup();
});

describe('the SP-API gateway against the simulator', () => {
  it('exchanges the refresh token and pages through searchOrders with Amazon’s clock', async () => {
    for (let i = 0; i < 3; i++) await fetch(`${server.url}/_sim/orders`, { method: 'POST', body: '{}' });
    server.sim.advance(10 * 60_000);
    const createdAfter = new Date(server.sim.clock.now().getTime() - 3_600_000).toISOString();
    const params = {
      marketplaceIds: [DEFAULT_SELLER.marketplaceId],
      createdAfter,
      maxResultsPerPage: 2,
      includedData: ['FULFILLMENT' as const],
    };
    const first = await port.searchOrders(params);
    expect(first.orders).toHaveLength(2);
    expect(first.nextToken).toBeDefined();
    expect(Math.abs(first.amazonTime.getTime() - server.sim.clock.now().getTime())).toBeLessThan(5_000);
    const second = await port.searchOrders({ ...params, paginationToken: first.nextToken ?? '' });
    expect(second.orders).toHaveLength(1);
    expect(second.nextToken).toBeUndefined();
    const ids = [...first.orders, ...second.orders].map((order) => order.orderId).sort();
    expect(ids).toEqual([...server.sim.store.orders.keys()].sort());
    const operations = server.sim.store.requests.map((request) => request.operation);
    expect(operations.filter((name) => name === 'token')).toHaveLength(1);
  });

  it('creates a report and downloads its gzipped document', async () => {
    const { reportId } = await port.createReport({
      reportType: 'GET_FLAT_FILE_ALL_ORDERS_DATA_BY_ORDER_DATE_GENERAL',
      marketplaceIds: [DEFAULT_SELLER.marketplaceId],
    });
    expect((await port.getReport(reportId)).processingStatus).toBe('IN_QUEUE');
    server.sim.advance(5 * 60_000);
    const report = await port.getReport(reportId);
    expect(report.processingStatus).toBe('DONE');
    const location = await port.getReportDocument(report.reportDocumentId ?? '');
    expect(location.compressionAlgorithm).toBe('GZIP');
    const text = await readAll(await port.downloadDocument(location));
    expect(text.split('\n')[0]).toMatch(/^amazon-order-id\tmerchant-order-id\tpurchase-date/);
    expect(text.trim().split('\n')).toHaveLength(
      1 + [...server.sim.store.orders.values()].reduce((n, o) => n + o.items.length, 0),
    );
  });

  it('round-trips a feed: upload, processing, the processing report, the order cancelled', async () => {
    // A seller may cancel only a seller-fulfilled order whose payment has cleared.
    const created = (await (
      await fetch(`${server.url}/_sim/orders`, {
        method: 'POST',
        body: JSON.stringify({ fulfilledBy: 'MERCHANT', pendingMinutes: 0 }),
      })
    ).json()) as { order: { orderId: string } };
    const order = server.sim.store.orders.get(created.order.orderId);
    if (!order) throw new Error('no order');
    const xml = envelope('OrderAcknowledgement', [
      `<OrderAcknowledgement><AmazonOrderID>${order.orderId}</AmazonOrderID><StatusCode>Failure</StatusCode></OrderAcknowledgement>`,
    ]);
    const contentType = 'text/xml; charset=UTF-8';
    const document = await port.createFeedDocument(contentType);
    await port.uploadFeedDocument(document.url, contentType, xml);
    const { feedId } = await port.createFeed({
      feedType: 'POST_ORDER_ACKNOWLEDGEMENT_DATA',
      marketplaceIds: [DEFAULT_SELLER.marketplaceId],
      inputFeedDocumentId: document.feedDocumentId,
    });
    server.sim.advance(2 * 3_600_000); // also past the access token's hour: the gateway must refresh it
    const feed = await port.getFeed(feedId);
    expect(feed.processingStatus).toBe('DONE');
    const report = await readAll(
      await port.downloadDocument(await port.getFeedDocument(feed.resultFeedDocumentId ?? '')),
    );
    expect(report).toMatch(/<MessagesSuccessful>1<\/MessagesSuccessful>/);
    expect(server.sim.store.orders.get(order.orderId)?.status).toBe('CANCELLED');
    const upload = server.sim.store.requests.find((request) => request.operation === 'uploadFeedDocument');
    expect(upload?.body).toBe(xml);
  });

  it('confirms a shipment, patches a listing and fetches an Amazon Custom zip', async () => {
    const created = (await (
      await fetch(`${server.url}/_sim/orders`, {
        method: 'POST',
        body: JSON.stringify({ items: [{ sku: 'MUG-ENGRAVED', customized: true }] }),
      })
    ).json()) as { order: { orderId: string } };
    server.sim.advance(31 * 60_000);
    const order = await port.getOrder(created.order.orderId, ['FULFILLMENT']);
    const item = order.orderItems[0];
    if (!item) throw new Error('no item');
    const zip = await port.downloadCustomization(item.product.customization?.customizedUrl ?? '');
    expect(zip.subarray(0, 4).toString('hex')).toBe('504b0304');
    const files = unzipSync(zip);
    expect(Object.keys(files)).toEqual([`${item.orderItemId}.json`]);
    expect(strFromU8(files[`${item.orderItemId}.json`]!)).toMatch(/"customizationType": "TextPrinting"/);
    await port.confirmShipment(order.orderId, {
      marketplaceId: DEFAULT_SELLER.marketplaceId,
      packageDetail: {
        packageReferenceId: '1',
        carrierCode: 'UPS',
        trackingNumber: '1Z999AA10123456784',
        shipDate: new Date().toISOString(),
        orderItems: [{ orderItemId: item.orderItemId, quantity: 1 }],
      },
    });
    expect((await port.getOrder(order.orderId, ['FULFILLMENT'])).fulfillment?.fulfillmentStatus).toBe(
      'SHIPPED',
    );
    const submission = await port.patchListingsItem(
      DEFAULT_SELLER.sellerId,
      'MUG-ENGRAVED',
      [DEFAULT_SELLER.marketplaceId],
      {
        productType: 'PRODUCT',
        patches: [
          {
            op: 'merge',
            path: '/attributes/fulfillment_availability',
            value: [{ fulfillment_channel_code: 'DEFAULT', quantity: 0 }],
          },
        ],
      },
    );
    expect(submission.status).toBe('ACCEPTED');
    expect(server.sim.store.listings.get(`${DEFAULT_SELLER.sellerId}/MUG-ENGRAVED`)?.quantity).toBe(0);
  });
});
