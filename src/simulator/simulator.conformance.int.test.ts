import { readdirSync, readFileSync } from 'node:fs';
import { Ajv, type ValidateFunction } from 'ajv';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type SimulatorServer } from './server.js';
import { SimClient } from './sim-client.test-support.js';
import { USAGE_PLANS } from './usage-plans.js';

/** The simulator's answers against Amazon's own models (../shared/amazon/models). */

const MODELS = '../shared/amazon/models/';
const EXAMPLES = '../shared/amazon/xsd/examples/';
type Model = {
  paths: Record<
    string,
    Record<
      string,
      { operationId: string; description: string; responses: Record<string, { schema?: { $ref: string } }> }
    >
  >;
};

const models: Record<string, Model> = {};
function model(name: string): Model {
  models[name] ??= JSON.parse(readFileSync(`${MODELS}${name}.json`, 'utf8')) as Model;
  return models[name];
}

const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false });
const validators = new Map<string, ValidateFunction>();

function operation(modelName: string, operationId: string) {
  for (const [path, methods] of Object.entries(model(modelName).paths)) {
    for (const [method, op] of Object.entries(methods))
      if (op.operationId === operationId) return { path, method, op };
  }
  throw new Error(`${operationId} not in ${modelName}`);
}

/** Validates a body against the schema the model gives for this operation and status. */
function expectConforms(modelName: string, operationId: string, status: number, body: unknown): void {
  const key = `${modelName}/${operationId}/${status}`;
  let validate = validators.get(key);
  if (!validate) {
    const { op } = operation(modelName, operationId);
    const ref = op.responses[String(status)]?.schema?.$ref;
    if (ref === undefined) throw new Error(`${operationId} has no schema for ${status}`);
    const document = model(modelName) as unknown as { definitions: unknown };
    validate = ajv.compile({ $ref: ref, definitions: document.definitions });
    validators.set(key, validate);
  }
  const valid = validate(body);
  expect(valid ? [] : validate.errors, `${operationId} ${status} conforms`).toEqual([]);
}

/** An order created, shipped by the seller and then refunded by Amazon itself. */
async function shippedOrderRefundedByAmazon(): Promise<string> {
  const created = await client.control<{
    order: { orderId: string; orderItems: { orderItemId: string }[] };
  }>('POST', '/orders', {
    items: [{ sku: 'LAMP-DESK-LED', quantity: 1 }],
  });
  const { orderId } = created.body.order;
  server.sim.advance(31 * 60_000);
  await client.login();
  const shipped = await client.call('POST', `/orders/v0/orders/${orderId}/shipmentConfirmation`, {
    marketplaceId: 'ATVPDKIKX0DER',
    packageDetail: {
      packageReferenceId: '1',
      carrierCode: 'UPS',
      trackingNumber: '1Z999AA10123456784',
      shipDate: new Date().toISOString(),
      orderItems: [{ orderItemId: created.body.order.orderItems[0]?.orderItemId ?? '', quantity: 1 }],
    },
  });
  expect(shipped.status).toBe(204);
  expect((await client.control('POST', `/orders/${orderId}/refund`)).status).toBe(200);
  return orderId;
}

let server: SimulatorServer;
let client: SimClient;

beforeAll(async () => {
  server = await startSimulator({ seed: 11, timeScale: 1, ordersPerHour: 0 });
  client = new SimClient(server);
  await client.login();
});
afterAll(async () => server.close());

describe('simulator conformance with Amazon models', () => {
  it('answers searchOrders and getOrder in the Orders 2026-01-01 shapes, with every dataset', async () => {
    for (const spec of [
      {
        items: [{ sku: 'MUG-ENGRAVED', quantity: 2, customized: true }],
        programs: ['PRIME', 'AMAZON_BUSINESS'],
      },
      { fulfilledBy: 'AMAZON' },
      { channel: 'NON_AMAZON', serviceLevel: 'SECOND_DAY' },
    ]) {
      expect((await client.control('POST', '/orders', spec)).status).toBe(201);
    }
    server.sim.advance(4 * 3_600_000);
    await client.login(); // the token of four hours ago has expired
    const after = new Date(Date.now() - 3_600_000).toISOString();
    const included = 'BUYER,RECIPIENT,PROCEEDS,FULFILLMENT,PACKAGES,CANCELLATION';
    const search = await client.json<{ orders: { orderId: string }[] }>(
      'GET',
      `/orders/2026-01-01/orders?marketplaceIds=ATVPDKIKX0DER&createdAfter=${after}&includedData=${included}`,
    );
    expect(search.status).toBe(200);
    expect(search.body.orders).toHaveLength(3);
    expectConforms('orders_2026-01-01', 'searchOrders', 200, search.body);
    const first = search.body.orders[0]?.orderId ?? '';
    const one = await client.json('GET', `/orders/2026-01-01/orders/${first}?includedData=${included}`);
    expectConforms('orders_2026-01-01', 'getOrder', 200, one.body);
    const missing = await client.json('GET', '/orders/2026-01-01/orders/111-0000000-0000000');
    expect(missing.status).toBe(404);
    expectConforms('orders_2026-01-01', 'getOrder', 404, missing.body);
  });

  it('answers the Reports API in its shapes', async () => {
    const created = await client.json('POST', '/reports/2021-06-30/reports', {
      reportType: 'GET_FLAT_FILE_ALL_ORDERS_DATA_BY_LAST_UPDATE_GENERAL',
      marketplaceIds: ['ATVPDKIKX0DER'],
    });
    expect(created.status).toBe(202);
    expectConforms('reports_2021-06-30', 'createReport', 202, created.body);
    server.sim.advance(10 * 60_000);
    await client.login();
    const report = await client.json<{ reportDocumentId: string }>(
      'GET',
      `/reports/2021-06-30/reports/${String(created.body.reportId)}`,
    );
    expectConforms('reports_2021-06-30', 'getReport', 200, report.body);
    const list = await client.json(
      'GET',
      '/reports/2021-06-30/reports?reportTypes=GET_FLAT_FILE_ALL_ORDERS_DATA_BY_LAST_UPDATE_GENERAL',
    );
    expectConforms('reports_2021-06-30', 'getReports', 200, list.body);
    const document = await client.json(
      'GET',
      `/reports/2021-06-30/documents/${report.body.reportDocumentId}`,
    );
    expectConforms('reports_2021-06-30', 'getReportDocument', 200, document.body);
    const refused = await client.json('POST', '/reports/2021-06-30/reports', {
      reportType: 'GET_V2_SETTLEMENT_REPORT_DATA_FLAT_FILE_V2',
      marketplaceIds: ['ATVPDKIKX0DER'],
    });
    expect(refused.status).toBe(400);
    expectConforms('reports_2021-06-30', 'createReport', 400, refused.body);
  });

  it('answers the Feeds and Listings APIs in their shapes', async () => {
    const document = await client.json('POST', '/feeds/2021-06-30/documents', {
      contentType: 'text/xml; charset=UTF-8',
    });
    expect(document.status).toBe(201);
    expectConforms('feeds_2021-06-30', 'createFeedDocument', 201, document.body);
    const feedId = await client.submitFeed(
      'POST_ORDER_ACKNOWLEDGEMENT_DATA',
      readFileSync('../shared/amazon/xsd/examples/order-acknowledgement-cancel.example.xml', 'utf8'),
    );
    const feed = await client.json('GET', `/feeds/2021-06-30/feeds/${feedId}`);
    expectConforms('feeds_2021-06-30', 'getFeed', 200, feed.body);
    const feeds = await client.json(
      'GET',
      '/feeds/2021-06-30/feeds?feedTypes=POST_ORDER_ACKNOWLEDGEMENT_DATA',
    );
    expectConforms('feeds_2021-06-30', 'getFeeds', 200, feeds.body);
    const patch = await client.json(
      'PATCH',
      '/listings/2021-08-01/items/A2SIMULATED0001/MUG-CERAMIC-WHT?marketplaceIds=ATVPDKIKX0DER',
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
    expectConforms('listingsItems_2021-08-01', 'patchListingsItem', 200, patch.body);
    const listings = await client.control<{ listings: { sku: string; quantity: number }[] }>(
      'GET',
      '/listings',
    );
    expect(listings.body.listings).toContainEqual(
      expect.objectContaining({ sku: 'MUG-CERAMIC-WHT', quantity: 0 }),
    );
  });

  it('answers listFinancialEventsByOrderId in the Finances v0 shape, with the sale and the refund', async () => {
    const orderId = await shippedOrderRefundedByAmazon();
    const events = await client.json<{ payload: { FinancialEvents: Record<string, unknown[]> } }>(
      'GET',
      `/finances/v0/orders/${orderId}/financialEvents`,
    );
    expect(events.status).toBe(200);
    expectConforms('financesV0', 'listFinancialEventsByOrderId', 200, events.body);
    expect(events.body.payload.FinancialEvents.ShipmentEventList).toHaveLength(1);
    expect(events.body.payload.FinancialEvents.RefundEventList).toHaveLength(1);
    expect(JSON.stringify(events.body)).toContain(
      '"ChargeType":"Principal","ChargeAmount":{"CurrencyCode":"USD","CurrencyAmount":45.99}',
    );
  });

  it('answers listTransactions in the Finances 2024-06-19 shape: the sale deferred, then released, and the refund', async () => {
    const orderId = await shippedOrderRefundedByAmazon();
    server.sim.advance(5 * 60_000);
    type Transaction = {
      transactionType: string;
      transactionStatus: string;
      totalAmount: { currencyAmount: number };
      relatedIdentifiers: { relatedIdentifierName: string; relatedIdentifierValue: string }[];
      contexts: { contextType: string; deferralReason?: string }[];
    };
    const list = async () => {
      const answer = await client.json<{ payload: { transactions: Transaction[] } }>(
        'GET',
        `/finances/2024-06-19/transactions?relatedIdentifierName=ORDER_ID&relatedIdentifierValue=${orderId}`,
      );
      expect(answer.status).toBe(200);
      expectConforms('finances_2024-06-19', 'listTransactions', 200, answer.body);
      return answer.body.payload.transactions;
    };
    const [sale, refund] = await list();
    expect(sale).toMatchObject({ transactionType: 'Shipment', transactionStatus: 'DEFERRED' });
    expect(sale?.contexts).toContainEqual(
      expect.objectContaining({ contextType: 'DeferredContext', deferralReason: 'DD7' }),
    );
    expect(refund).toMatchObject({ transactionType: 'Refund', transactionStatus: 'RELEASED' });
    expect(refund?.totalAmount.currencyAmount).toBeLessThan(0);
    expect(refund?.relatedIdentifiers.map((id) => id.relatedIdentifierName)).toEqual([
      'ORDER_ID',
      'REFUND_ID',
    ]);
    server.sim.advance(8 * 24 * 60 * 60_000);
    await client.login();
    expect((await list())[0]?.transactionStatus).toBe('DEFERRED_RELEASED');
    const tooRecent = await client.json(
      'GET',
      `/finances/2024-06-19/transactions?postedAfter=2020-01-01T00:00:00Z&postedBefore=${server.sim.now().toISOString()}`,
    );
    expect(tooRecent.status).toBe(400);
  });

  it("accepts or refuses Amazon's example feeds as their names say", async () => {
    const feedTypes: Record<string, string> = {
      OrderFulfillment: 'POST_ORDER_FULFILLMENT_DATA',
      OrderAcknowledgement: 'POST_ORDER_ACKNOWLEDGEMENT_DATA',
      OrderAdjustment: 'POST_PAYMENT_ADJUSTMENT_DATA',
    };
    const examples = readdirSync(EXAMPLES).filter((name) => name.endsWith('.xml'));
    const submitted = [];
    for (const name of examples) {
      const xml = readFileSync(`${EXAMPLES}${name}`, 'utf8');
      const messageType = /<MessageType>(\w+)<\/MessageType>/.exec(xml)?.[1] ?? '';
      submitted.push({ name, feedId: await client.submitFeed(feedTypes[messageType] ?? '', xml) });
    }
    server.sim.advance(10 * 60_000);
    await client.login();
    for (const { name, feedId } of submitted) {
      const feed = await client.json<{ processingStatus: string }>(
        'GET',
        `/feeds/2021-06-30/feeds/${feedId}`,
      );
      expect({ name, status: feed.body.processingStatus }).toEqual({
        name,
        status: name.includes('INVALID') ? 'FATAL' : 'DONE',
      });
    }
  });

  it('uses the usage plans written in the models', () => {
    const where: Record<string, string> = {
      searchOrders: 'orders_2026-01-01',
      getOrder: 'orders_2026-01-01',
      confirmShipment: 'ordersV0',
      createReport: 'reports_2021-06-30',
      getReports: 'reports_2021-06-30',
      getReport: 'reports_2021-06-30',
      cancelReport: 'reports_2021-06-30',
      getReportDocument: 'reports_2021-06-30',
      createFeedDocument: 'feeds_2021-06-30',
      createFeed: 'feeds_2021-06-30',
      getFeed: 'feeds_2021-06-30',
      getFeeds: 'feeds_2021-06-30',
      cancelFeed: 'feeds_2021-06-30',
      getFeedDocument: 'feeds_2021-06-30',
      patchListingsItem: 'listingsItems_2021-08-01',
      listFinancialEventsByOrderId: 'financesV0',
      listTransactions: 'finances_2024-06-19',
    };
    for (const [name, plan] of Object.entries(USAGE_PLANS)) {
      const { op } = operation(where[name] ?? '', name);
      const match = /\|\s*([\d.]+)\s*\|\s*(\d+)\s*\|/.exec(op.description);
      expect(match, `${name} has a usage plan table`).not.toBeNull();
      expect({ name, rate: Number(match?.[1]), burst: Number(match?.[2]) }).toEqual({ name, ...plan });
    }
  });

  it('throttles at the burst with 429 QuotaExceeded and no rate-limit header, as Amazon does', async () => {
    const fresh = await startSimulator({ seed: 2 });
    try {
      const other = new SimClient(fresh);
      await other.login();
      const statuses: number[] = [];
      for (let i = 0; i < USAGE_PLANS.getOrder.burst + 1; i++) {
        statuses.push((await other.call('GET', '/orders/2026-01-01/orders/111-0000000-0000000')).status);
      }
      expect(statuses.slice(0, USAGE_PLANS.getOrder.burst).every((status) => status === 404)).toBe(true);
      const throttled = await other.json('GET', '/orders/2026-01-01/orders/111-0000000-0000000');
      expect(throttled.status).toBe(429);
      expect(throttled.headers.get('x-amzn-ratelimit-limit')).toBeNull();
      expect(throttled.headers.get('x-amzn-requestid')).toBeTruthy();
      expectConforms('orders_2026-01-01', 'getOrder', 429, throttled.body);
      expect(throttled.body).toEqual({
        errors: [{ code: 'QuotaExceeded', message: 'You exceeded your quota for the requested resource.' }],
      });
      fresh.sim.advance(2_000); // 0.5 per second: one token back after two seconds
      expect((await other.call('GET', '/orders/2026-01-01/orders/111-0000000-0000000')).status).toBe(404);
    } finally {
      await fresh.close();
    }
  });

  it("refuses Amazon's 403 for a missing or expired token", async () => {
    const denied = await fetch(`${server.url}/orders/2026-01-01/orders/x`, {
      headers: { 'x-amz-access-token': 'Atza|unknown' },
    });
    expect(denied.status).toBe(403);
    const body = await denied.json();
    expectConforms('orders_2026-01-01', 'getOrder', 403, body);
    expect(denied.headers.get('x-amzn-ratelimit-limit')).toBeNull();
  });
});
