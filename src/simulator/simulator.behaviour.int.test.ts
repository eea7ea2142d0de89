import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startSimulator, type SimulatorServer } from './server.js';
import { envelope, fulfillmentFeed, SimClient, type SimOrderBody } from './sim-client.test-support.js';

/** Amazon's behaviour as sellersync meets it: order ageing, the 2-minute rule, feeds, settlements, faults. */

const HOUR = 3_600_000;
let server: SimulatorServer;
let client: SimClient;

beforeEach(async () => {
  server = await startSimulator({ seed: 5 });
  client = new SimClient(server);
  await client.login();
});
afterEach(async () => server.close());

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
    const created = await client.newOrder();
    expect(created.fulfillment.fulfillmentStatus).toBe('PENDING');
    await client.advance(31);
    const now = (await client.control<{ order: SimOrderBody }>('GET', `/orders/${created.orderId}`)).body
      .order;
    expect(now.fulfillment.fulfillmentStatus).toBe('UNSHIPPED');
    expect(Date.parse(now.lastUpdatedTime) - Date.parse(created.lastUpdatedTime)).toBe(30 * 60_000);
  });

  it('enforces the 2-minute rule and pages by 100 with paginationToken', async () => {
    for (let i = 0; i < 3; i++) await client.newOrder();
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
    await client.advance(5);
    const base = `/orders/2026-01-01/orders?marketplaceIds=ATVPDKIKX0DER&createdAfter=${after}`;
    const first = await client.json<{ orders: SimOrderBody[]; pagination?: { nextToken: string } }>(
      'GET',
      `${base}&maxResultsPerPage=2`,
    );
    expect(first.body.orders).toHaveLength(2);
    const token = first.body.pagination?.nextToken ?? '';
    const second = await client.json<{ orders: SimOrderBody[]; pagination?: unknown }>(
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
    const order = await client.newOrder({ items: [{ sku: 'MUG-CERAMIC-WHT', quantity: 2 }] });
    await client.advance(31);
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
    await client.advance(5);
    const { status, report } = await feedReport(feedId);
    expect(status).toBe('DONE');
    expect(report).toMatch(/<MessagesProcessed>3<\/MessagesProcessed>/);
    expect(report).toMatch(/<MessagesWithError>2<\/MessagesWithError>/);
    expect(report).toMatch(
      /cannot be found using Merchant ID A2SIMULATED0001 and Amazon Order ID 111-0000000-0000000/,
    );
    expect(report).toMatch(/quantity 5 .* more than the 1 left to ship/);
    const shipped = (await client.control<{ order: SimOrderBody }>('GET', `/orders/${order.orderId}`)).body
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
    const cancelMe = await client.newOrder();
    const refundMe = await client.newOrder({ items: [{ sku: 'LAMP-DESK-LED', quantity: 1 }] });
    await client.advance(31);
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
    await client.advance(5);
    const component = (type: string, amount: string) =>
      `<Component><Type>${type}</Type><Amount currency="USD">${amount}</Amount></Component>`;
    const adjustment = (amount: string) =>
      envelope('OrderAdjustment', [
        `<OrderAdjustment><AmazonOrderID>${refundMe.orderId}</AmazonOrderID><ActionType>Refund</ActionType><AdjustedItem><AmazonOrderItemCode>${refundItem}</AmazonOrderItemCode><MerchantAdjustmentItemID>RMA-7</MerchantAdjustmentItemID><AdjustmentReason>CustomerReturn</AdjustmentReason><ItemPriceAdjustments>${component('Principal', amount)}</ItemPriceAdjustments></AdjustedItem></OrderAdjustment>`,
      ]);
    const tooMuch = await client.submitFeed('POST_PAYMENT_ADJUSTMENT_DATA', adjustment('999.00'));
    const fine = await client.submitFeed('POST_PAYMENT_ADJUSTMENT_DATA', adjustment('20.00'));
    await client.advance(5);
    expect((await feedReport(tooMuch)).report).toMatch(/more than the amount left to refund/);
    expect((await feedReport(fine)).report).toMatch(/<MessagesWithError>0<\/MessagesWithError>/);
    const cancelled = (await client.control<{ order: SimOrderBody }>('GET', `/orders/${cancelMe.orderId}`))
      .body.order;
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
    await client.advance(5);
    const { status, report } = await feedReport(feedId);
    expect(status).toBe('FATAL');
    expect(report).toMatch(/CarrierCode/);
  });
});
