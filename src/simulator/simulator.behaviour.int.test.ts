import { gunzipSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startSimulator, type SimulatorServer } from './server.js';
import { envelope, fulfillmentFeed, SimClient } from './sim-client.test-support.js';

/** Amazon's behaviour as sellersync meets it: order ageing, the 2-minute rule, feeds, settlements, faults. */

const HOUR = 3_600_000;
let server: SimulatorServer;
let client: SimClient;

interface OrderBody {
  orderId: string;
  lastUpdatedTime: string;
  fulfillment: { fulfillmentStatus: string };
  orderItems: { orderItemId: string; quantityOrdered: number }[];
}

beforeEach(async () => {
  server = await startSimulator({ seed: 5 });
  client = new SimClient(server);
  await client.login();
});
afterEach(async () => server.close());

async function newOrder(spec: Record<string, unknown> = {}): Promise<OrderBody> {
  return (await client.control<{ order: OrderBody }>('POST', '/orders', spec)).body.order;
}

async function advance(minutes: number): Promise<void> {
  await client.control('POST', '/time/advance', { minutes });
  await client.login();
}

async function feedReport(feedId: string): Promise<{ status: string; report: string }> {
  const feed = await client.json<{ processingStatus: string; resultFeedDocumentId: string }>(
    'GET',
    `/feeds/2021-06-30/feeds/${feedId}`,
  );
  const document = await client.json<{ url: string }>(
    'GET',
    `/feeds/2021-06-30/documents/${feed.body.resultFeedDocumentId}`,
  );
  return { status: feed.body.processingStatus, report: await (await fetch(document.body.url)).text() };
}

describe('orders', () => {
  it('turns Pending into Unshipped after 30 minutes and moves lastUpdatedTime', async () => {
    const created = await newOrder();
    expect(created.fulfillment.fulfillmentStatus).toBe('PENDING');
    await advance(31);
    const now = (await client.control<{ order: OrderBody }>('GET', `/orders/${created.orderId}`)).body.order;
    expect(now.fulfillment.fulfillmentStatus).toBe('UNSHIPPED');
    expect(Date.parse(now.lastUpdatedTime) - Date.parse(created.lastUpdatedTime)).toBe(30 * 60_000);
  });

  it('enforces the 2-minute rule and pages by 100 with paginationToken', async () => {
    for (let i = 0; i < 3; i++) await newOrder();
    const after = new Date(Date.now() - HOUR).toISOString();
    const tooRecent = new Date(Date.now() - 60_000).toISOString();
    const refused = await client.json(
      'GET',
      `/orders/2026-01-01/orders?marketplaceIds=ATVPDKIKX0DER&createdAfter=${after}&createdBefore=${tooRecent}`,
    );
    expect(refused.status).toBe(400);
    expect(refused.body).toEqual({
      errors: [
        {
          code: 'InvalidInput',
          message: 'The input you have submitted is not valid. Please check your input and try again.',
          details: '',
        },
      ],
    });
    await advance(5);
    const base = `/orders/2026-01-01/orders?marketplaceIds=ATVPDKIKX0DER&createdAfter=${after}`;
    const first = await client.json<{ orders: OrderBody[]; pagination?: { nextToken: string } }>(
      'GET',
      `${base}&maxResultsPerPage=2`,
    );
    expect(first.body.orders).toHaveLength(2);
    const token = first.body.pagination?.nextToken ?? '';
    const second = await client.json<{ orders: OrderBody[]; pagination?: unknown }>(
      'GET',
      `${base}&paginationToken=${encodeURIComponent(token)}`,
    );
    expect(second.body.orders).toHaveLength(1);
    expect(second.body.pagination).toBeUndefined();
    const changed = await client.json(
      'GET',
      `/orders/2026-01-01/orders?marketplaceIds=ATVPDKIKX0DER&lastUpdatedAfter=${after}&paginationToken=${encodeURIComponent(token)}`,
    );
    expect(changed.status).toBe(400);
  });

  it('generates the same orders for the same seed', async () => {
    const ids = async (seed: number) => {
      const other = await startSimulator({
        seed,
        ordersPerHour: 30,
        startTime: new Date('2026-03-01T00:00:00Z'),
      });
      other.sim.advance(2 * HOUR);
      const orders = [...other.sim.store.orders.values()].map(
        (order) => `${order.orderId}/${order.fulfilledBy}/${order.items.length}`,
      );
      await other.close();
      return orders;
    };
    const first = await ids(42);
    expect(first.length).toBeGreaterThan(20);
    expect(await ids(42)).toEqual(first);
    expect(await ids(43)).not.toEqual(first);
  });
});

describe('feeds applied to orders', () => {
  it('ships with a fulfillment feed, refuses what Amazon refuses, and books the sale for settlement', async () => {
    const order = await newOrder({ items: [{ sku: 'MUG-CERAMIC-WHT', quantity: 2 }] });
    await advance(31);
    const item = order.orderItems[0]?.orderItemId ?? '';
    const feedId = await client.submitFeed(
      'POST_ORDER_FULFILLMENT_DATA',
      envelope('OrderFulfillment', [
        fulfillmentFeed(order.orderId, [{ orderItemId: item, quantity: 1 }]).replace(
          /^.*<Message><MessageID>1<\/MessageID>(.*)<\/Message>.*$/,
          '$1',
        ),
        `<OrderFulfillment><AmazonOrderID>111-0000000-0000000</AmazonOrderID><FulfillmentDate>2026-01-05T10:00:00Z</FulfillmentDate></OrderFulfillment>`,
        `<OrderFulfillment><AmazonOrderID>${order.orderId}</AmazonOrderID><FulfillmentDate>2026-01-05T10:00:00Z</FulfillmentDate><FulfillmentData><CarrierCode>UPS</CarrierCode></FulfillmentData><Item><AmazonOrderItemCode>${item}</AmazonOrderItemCode><Quantity>5</Quantity></Item></OrderFulfillment>`,
      ]),
    );
    await advance(5);
    const { status, report } = await feedReport(feedId);
    expect(status).toBe('DONE');
    expect(report).toMatch(/<MessagesProcessed>3<\/MessagesProcessed>/);
    expect(report).toMatch(/<MessagesWithError>2<\/MessagesWithError>/);
    expect(report).toMatch(
      /cannot be found using Merchant ID A2SIMULATED0001 and Amazon Order ID 111-0000000-0000000/,
    );
    expect(report).toMatch(/quantity 5 .* more than the 1 left to ship/);
    const shipped = (await client.control<{ order: OrderBody }>('GET', `/orders/${order.orderId}`)).body
      .order;
    expect(shipped.fulfillment.fulfillmentStatus).toBe('PARTIALLY_SHIPPED');
    const settlement = await client.control<{ reports: { reportDocumentId: string }[] }>(
      'POST',
      '/settlements/close',
    );
    const documentId = settlement.body.reports[0]?.reportDocumentId ?? '';
    const listed = await client.json<{ reports: { reportDocumentId: string }[] }>(
      'GET',
      '/reports/2021-06-30/reports?reportTypes=GET_V2_SETTLEMENT_REPORT_DATA_FLAT_FILE_V2&processingStatuses=DONE',
    );
    expect(listed.body.reports.map((r) => r.reportDocumentId)).toContain(documentId);
    const document = await client.json<{ url: string }>('GET', `/reports/2021-06-30/documents/${documentId}`);
    const rows = (await (await fetch(document.body.url)).text())
      .trim()
      .split('\n')
      .map((line) => line.split('\t'));
    expect(rows[0]).toHaveLength(24);
    const principal = rows.find((row) => row[6] === 'Order' && row[13] === 'Principal');
    expect(principal?.[7]).toBe(order.orderId);
    expect(principal?.[14]).toBe('14.99');
    const total = rows.slice(2).reduce((sum, row) => sum + Math.round(Number(row[14]) * 100), 0);
    expect(Math.round(Number(rows[1]?.[4]) * 100)).toBe(total);
  });

  it('cancels with an acknowledgement Failure and refunds with an adjustment, refusing too much', async () => {
    const cancelMe = await newOrder();
    const refundMe = await newOrder({ items: [{ sku: 'LAMP-DESK-LED', quantity: 1 }] });
    await advance(31);
    const refundItem = refundMe.orderItems[0]?.orderItemId ?? '';
    await client.submitFeed(
      'POST_ORDER_FULFILLMENT_DATA',
      fulfillmentFeed(refundMe.orderId, [{ orderItemId: refundItem, quantity: 1 }]),
    );
    await client.submitFeed(
      'POST_ORDER_ACKNOWLEDGEMENT_DATA',
      envelope('OrderAcknowledgement', [
        `<OrderAcknowledgement><AmazonOrderID>${cancelMe.orderId}</AmazonOrderID><StatusCode>Failure</StatusCode><Item><AmazonOrderItemCode>${cancelMe.orderItems[0]?.orderItemId ?? ''}</AmazonOrderItemCode><CancelReason>NoInventory</CancelReason></Item></OrderAcknowledgement>`,
      ]),
    );
    await advance(5);
    const component = (type: string, amount: string) =>
      `<Component><Type>${type}</Type><Amount currency="USD">${amount}</Amount></Component>`;
    const adjustment = (amount: string) =>
      envelope('OrderAdjustment', [
        `<OrderAdjustment><AmazonOrderID>${refundMe.orderId}</AmazonOrderID><ActionType>Refund</ActionType><AdjustedItem><AmazonOrderItemCode>${refundItem}</AmazonOrderItemCode><MerchantAdjustmentItemID>RMA-7</MerchantAdjustmentItemID><AdjustmentReason>CustomerReturn</AdjustmentReason><ItemPriceAdjustments>${component('Principal', amount)}</ItemPriceAdjustments></AdjustedItem></OrderAdjustment>`,
      ]);
    const tooMuch = await client.submitFeed('POST_PAYMENT_ADJUSTMENT_DATA', adjustment('999.00'));
    const fine = await client.submitFeed('POST_PAYMENT_ADJUSTMENT_DATA', adjustment('20.00'));
    await advance(5);
    expect((await feedReport(tooMuch)).report).toMatch(/more than the amount left to refund/);
    expect((await feedReport(fine)).report).toMatch(/<MessagesWithError>0<\/MessagesWithError>/);
    const cancelled = (await client.control<{ order: OrderBody }>('GET', `/orders/${cancelMe.orderId}`)).body
      .order;
    expect(cancelled.fulfillment.fulfillmentStatus).toBe('CANCELLED');
    const period = server.sim.store.openPeriods.get('A2SIMULATED0001');
    const refundLines = period?.lines.filter((line) => line.transactionType === 'Refund') ?? [];
    expect(
      refundLines.map((line) => [line.amountDescription, line.amountCents, line.merchantAdjustmentItemId]),
    ).toEqual([
      ['Principal', -2000, 'RMA-7'],
      ['Commission', 300, 'RMA-7'],
      ['RefundCommission', -60, 'RMA-7'],
    ]);
  });

  it('ends a feed that breaks the XSD FATAL, with the parser error in its report', async () => {
    const feedId = await client.submitFeed(
      'POST_ORDER_FULFILLMENT_DATA',
      fulfillmentFeed('111-0000000-0000000', [], 'NotACarrier'),
    );
    await advance(5);
    const { status, report } = await feedReport(feedId);
    expect(status).toBe('FATAL');
    expect(report).toMatch(/CarrierCode/);
  });
});

describe('reports and faults', () => {
  it('delivers a gzipped all-orders report by last update, or CANCELLED when there is no data', async () => {
    const empty = await client.json('POST', '/reports/2021-06-30/reports', {
      reportType: 'GET_FLAT_FILE_ALL_ORDERS_DATA_BY_LAST_UPDATE_GENERAL',
      marketplaceIds: ['ATVPDKIKX0DER'],
    });
    const order = await newOrder({ programs: ['AMAZON_BUSINESS'] });
    const full = await client.json('POST', '/reports/2021-06-30/reports', {
      reportType: 'GET_FLAT_FILE_ALL_ORDERS_DATA_BY_LAST_UPDATE_GENERAL',
      marketplaceIds: ['ATVPDKIKX0DER'],
    });
    const queued = await client.json<{ processingStatus: string }>(
      'GET',
      `/reports/2021-06-30/reports/${String(full.body.reportId)}`,
    );
    expect(queued.body.processingStatus).toBe('IN_QUEUE');
    await advance(5);
    expect(
      (
        await client.json<{ processingStatus: string }>(
          'GET',
          `/reports/2021-06-30/reports/${String(empty.body.reportId)}`,
        )
      ).body.processingStatus,
    ).toBe('CANCELLED');
    const done = await client.json<{ processingStatus: string; reportDocumentId: string }>(
      'GET',
      `/reports/2021-06-30/reports/${String(full.body.reportId)}`,
    );
    expect(done.body.processingStatus).toBe('DONE');
    const document = await client.json<{ url: string; compressionAlgorithm: string }>(
      'GET',
      `/reports/2021-06-30/documents/${done.body.reportDocumentId}`,
    );
    expect(document.body.compressionAlgorithm).toBe('GZIP');
    const lines = gunzipSync(Buffer.from(await (await fetch(document.body.url)).arrayBuffer()))
      .toString('utf8')
      .trim()
      .split('\n');
    const header = lines[0]?.split('\t') ?? [];
    const row = lines[1]?.split('\t') ?? [];
    expect(row[header.indexOf('amazon-order-id')]).toBe(order.orderId);
    expect(row[header.indexOf('is-business-order')]).toBe('true');
  });

  it('injects throttling, 503s, stuck reports and truncated downloads on demand', async () => {
    await client.control('POST', '/faults', { kind: 'throttle', operation: 'getOrder', count: 1 });
    await client.control('POST', '/faults', { kind: 'server-error', operation: 'getOrder', status: 503 });
    expect((await client.call('GET', '/orders/2026-01-01/orders/x')).status).toBe(429);
    expect((await client.call('GET', '/orders/2026-01-01/orders/x')).status).toBe(503);
    expect((await client.call('GET', '/orders/2026-01-01/orders/x')).status).toBe(404);
    await newOrder();
    await client.control('POST', '/faults', { kind: 'report-stuck' });
    const stuck = await client.json('POST', '/reports/2021-06-30/reports', {
      reportType: 'GET_FLAT_FILE_ALL_ORDERS_DATA_BY_ORDER_DATE_GENERAL',
      marketplaceIds: ['ATVPDKIKX0DER'],
    });
    await advance(60);
    expect(
      (
        await client.json<{ processingStatus: string }>(
          'GET',
          `/reports/2021-06-30/reports/${String(stuck.body.reportId)}`,
        )
      ).body.processingStatus,
    ).toBe('IN_QUEUE');
    const closed = await client.control<{ reports: { reportDocumentId: string }[] }>(
      'POST',
      '/settlements/close',
    );
    const document = await client.json<{ url: string }>(
      'GET',
      `/reports/2021-06-30/documents/${closed.body.reports[0]?.reportDocumentId ?? ''}`,
    );
    await client.control('POST', '/faults', { kind: 'truncate-download' });
    await expect(fetch(document.body.url).then((response) => response.text())).rejects.toThrow();
  });

  it('answers slowly or drops the connection when told to', async () => {
    await client.control('POST', '/faults', { kind: 'slow', operation: 'getOrder', delayMs: 300 });
    const started = Date.now();
    expect((await client.call('GET', '/orders/2026-01-01/orders/x')).status).toBe(404);
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
    await client.control('POST', '/faults', { kind: 'drop-connection', operation: 'getOrder' });
    await expect(client.call('GET', '/orders/2026-01-01/orders/x')).rejects.toThrow();
    expect((await client.call('GET', '/orders/2026-01-01/orders/x')).status).toBe(404);
  });

  it("lets tests change an operation's rate and burst, and reports it in x-amzn-RateLimit-Limit", async () => {
    const set = await client.control('PUT', '/rate-limits/searchOrders', { rate: 50, burst: 2 });
    expect(set.status).toBe(200);
    const after = new Date(Date.now() - HOUR).toISOString();
    const path = `/orders/2026-01-01/orders?marketplaceIds=ATVPDKIKX0DER&createdAfter=${after}`;
    const first = await client.call('GET', path);
    expect(first.headers.get('x-amzn-ratelimit-limit')).toBe('50');
    expect((await client.call('GET', path)).status).toBe(200);
    expect((await client.call('GET', path)).status).toBe(429);
    server.sim.advance(100); // 50 per second: five tokens back, capped at the burst of 2
    expect((await client.call('GET', path)).status).toBe(200);
  });

  it("expires access tokens after a simulated hour with Amazon's 403", async () => {
    server.sim.advance(HOUR + 1_000);
    const expired = await client.json('GET', '/orders/2026-01-01/orders/x');
    expect(expired.status).toBe(403);
    expect(expired.body).toEqual({
      errors: [
        {
          code: 'Unauthorized',
          message: 'Access to requested resource is denied.',
          details: 'The access token you provided has expired.',
        },
      ],
    });
  });

  it("answers an unknown refresh token with LWA's invalid_grant", async () => {
    const response = await client.login('Atzr|not-a-seller');
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({
      error: 'invalid_grant',
      error_description: 'The request has an invalid grant parameter : refresh_token',
    });
  });
});
