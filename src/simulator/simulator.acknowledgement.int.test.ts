import { XMLParser } from 'fast-xml-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { validateOrderFeed } from '../amazon/feed-schema.js';
import { startSimulator, type SimulatorServer } from './server.js';
import { envelope, fulfillmentFeed, SimClient, type SimOrderBody } from './sim-client.test-support.js';

/**
 * The simulator applies acknowledgement feeds as Amazon does: every feed sent here passes Amazon's
 * OrderAcknowledgement.xsd, and every processing report it writes passes ProcessingReport.xsd.
 */

let server: SimulatorServer;
let client: SimClient;

beforeAll(async () => {
  server = await startSimulator({
    seed: 21,
    timeScale: 1,
    ordersPerHour: 0,
    startTime: new Date('2026-06-01T12:00:00Z'),
  });
  client = new SimClient(server);
  await client.login();
});

afterAll(async () => {
  await server?.close();
});

interface ReportResult {
  MessageID: string;
  ResultCode: string;
  ResultMessageCode: string;
  ResultDescription: string;
}

function cancelMessage(
  orderId: string,
  items: { orderItemId: string; quantity?: number }[],
  reason = 'NoInventory',
) {
  const lines = items
    .map(
      (item) =>
        `<Item><AmazonOrderItemCode>${item.orderItemId}</AmazonOrderItemCode><CancelReason>${reason}</CancelReason>` +
        `${item.quantity === undefined ? '' : `<Quantity>${item.quantity}</Quantity>`}</Item>`,
    )
    .join('');
  return `<OrderAcknowledgement><AmazonOrderID>${orderId}</AmazonOrderID><StatusCode>Failure</StatusCode>${lines}</OrderAcknowledgement>`;
}

/** Submits the feed (XSD-checked first), lets the simulator process it, returns the report's summary and results. */
async function process(feedType: string, xml: string) {
  expect((await validateOrderFeed(xml)).errors).toEqual([]);
  const feedId = await client.submitFeed(feedType, xml);
  await client.advance(10);
  const feed = await client.json<{ processingStatus: string; resultFeedDocumentId: string }>(
    'GET',
    `/feeds/2021-06-30/feeds/${feedId}`,
  );
  expect(feed.body.processingStatus).toBe('DONE');
  const location = await client.json<{ url: string }>(
    'GET',
    `/feeds/2021-06-30/documents/${feed.body.resultFeedDocumentId}`,
  );
  const report = await (await fetch(location.body.url)).text();
  expect((await validateOrderFeed(report)).errors).toEqual([]);
  const parsed = new XMLParser({ parseTagValue: false, isArray: (name) => name === 'Result' }).parse(report);
  const body = parsed.AmazonEnvelope.Message.ProcessingReport as {
    ProcessingSummary: Record<string, string>;
    Result?: ReportResult[];
  };
  return { summary: body.ProcessingSummary, results: body.Result ?? [] };
}

const order = (orderId: string) =>
  client
    .control<{ order: SimOrderBody & Record<string, unknown> }>('GET', `/orders/${orderId}`)
    .then((r) => r.body.order);

describe('acknowledgement feeds on the simulator', () => {
  it('cancels some units of a line, then the rest of the order, each Item with its own reason', async () => {
    const created = await client.newOrder({
      pendingMinutes: 0,
      fulfilledBy: 'MERCHANT',
      items: [{ quantity: 3 }, { quantity: 1 }],
    });
    const [first, second] = created.orderItems;
    const partial = await process(
      'POST_ORDER_ACKNOWLEDGEMENT_DATA',
      envelope('OrderAcknowledgement', [
        cancelMessage(created.orderId, [{ orderItemId: first!.orderItemId, quantity: 1 }]),
      ]),
    );
    expect(partial.results).toEqual([]);
    expect(partial.summary).toMatchObject({
      MessagesProcessed: '1',
      MessagesSuccessful: '1',
      MessagesWithError: '0',
    });
    const afterPartial = (await order(created.orderId)) as unknown as {
      fulfillment: { fulfillmentStatus: string };
      orderItems: { orderItemId: string; fulfillment?: { quantityUnfulfilled?: number } }[];
    };
    expect(afterPartial.fulfillment.fulfillmentStatus).toBe('UNSHIPPED');
    expect(
      afterPartial.orderItems.find((i) => i.orderItemId === first!.orderItemId)?.fulfillment
        ?.quantityUnfulfilled,
    ).toBe(2);

    const rest = await process(
      'POST_ORDER_ACKNOWLEDGEMENT_DATA',
      envelope('OrderAcknowledgement', [
        cancelMessage(
          created.orderId,
          [{ orderItemId: first!.orderItemId }, { orderItemId: second!.orderItemId }],
          'CustomerExchange',
        ),
      ]),
    );
    expect(rest.results).toEqual([]);
    expect(
      ((await order(created.orderId)) as unknown as { fulfillment: { fulfillmentStatus: string } })
        .fulfillment.fulfillmentStatus,
    ).toBe('CANCELLED');
  });

  it('refuses per message, in one report: shipped units, an FBA order, a Pending order, an unknown order, too many units', async () => {
    const shipped = await client.newOrder({
      pendingMinutes: 0,
      fulfilledBy: 'MERCHANT',
      items: [{ quantity: 1 }],
    });
    await process(
      'POST_ORDER_FULFILLMENT_DATA',
      fulfillmentFeed(shipped.orderId, [{ orderItemId: shipped.orderItems[0]!.orderItemId, quantity: 1 }]),
    );
    const fba = await client.newOrder({ pendingMinutes: 0, fulfilledBy: 'AMAZON' });
    const pending = await client.newOrder({ pendingMinutes: 600, fulfilledBy: 'MERCHANT' });
    const fine = await client.newOrder({
      pendingMinutes: 0,
      fulfilledBy: 'MERCHANT',
      items: [{ quantity: 2 }],
    });
    const { summary, results } = await process(
      'POST_ORDER_ACKNOWLEDGEMENT_DATA',
      envelope('OrderAcknowledgement', [
        cancelMessage(shipped.orderId, [{ orderItemId: shipped.orderItems[0]!.orderItemId }]),
        cancelMessage(fba.orderId, [{ orderItemId: fba.orderItems[0]!.orderItemId }]),
        cancelMessage(pending.orderId, [{ orderItemId: pending.orderItems[0]!.orderItemId }]),
        cancelMessage('111-0000000-0000000', [{ orderItemId: '12345678901234' }]),
        cancelMessage(fine.orderId, [{ orderItemId: fine.orderItems[0]!.orderItemId, quantity: 3 }]),
        cancelMessage(fine.orderId, [{ orderItemId: fine.orderItems[0]!.orderItemId, quantity: 1 }]),
      ]),
    );
    expect(summary).toMatchObject({
      MessagesProcessed: '6',
      MessagesSuccessful: '1',
      MessagesWithError: '5',
    });
    const byMessage = Object.fromEntries(results.map((r) => [r.MessageID, r]));
    expect(Object.keys(byMessage).sort()).toEqual(['1', '2', '3', '4', '5']);
    for (const result of results)
      expect(result).toMatchObject({ ResultCode: 'Error', ResultMessageCode: '18028' });
    expect(byMessage['1']?.ResultDescription).toMatch(/shipped/i);
    expect(byMessage['2']?.ResultDescription).toMatch(/fulfilled by Amazon/);
    expect(byMessage['3']?.ResultDescription).toMatch(/Pending/);
    expect(byMessage['4']?.ResultDescription).toMatch(/cannot be found/);
    expect(byMessage['5']?.ResultDescription).toMatch(/quantit|remaining|left/i);
    // The refused messages changed nothing; the last one cancelled one unit.
    const fineAfter = (await order(fine.orderId)) as unknown as {
      orderItems: { fulfillment?: { quantityUnfulfilled?: number } }[];
    };
    expect(fineAfter.orderItems[0]?.fulfillment?.quantityUnfulfilled).toBe(1);
    const fbaAfter = (await order(fba.orderId)) as unknown as { fulfillment: { fulfillmentStatus: string } };
    expect(fbaAfter.fulfillment.fulfillmentStatus).not.toBe('CANCELLED');
  });

  it('sets listing quantities from a patch and from a JSON listings feed, reporting an invalid message', async () => {
    const patch = await client.json(
      'PATCH',
      '/listings/2021-08-01/items/A2SIMULATED0001/SKU-CONF-1?marketplaceIds=ATVPDKIKX0DER',
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
    expect(patch.body).toMatchObject({ sku: 'SKU-CONF-1', status: 'ACCEPTED' });
    const content = JSON.stringify({
      header: { sellerId: 'A2SIMULATED0001', version: '2.0', issueLocale: 'en_US' },
      messages: [
        {
          messageId: 1,
          sku: 'SKU-CONF-2',
          operationType: 'PATCH',
          productType: 'PRODUCT',
          patches: [
            {
              op: 'replace',
              path: '/attributes/fulfillment_availability',
              value: [{ fulfillment_channel_code: 'DEFAULT', quantity: 7 }],
            },
          ],
        },
        {
          messageId: 2,
          sku: 'SKU-CONF-3',
          operationType: 'PATCH',
          productType: 'PRODUCT',
          patches: [
            {
              op: 'replace',
              path: '/attributes/fulfillment_availability',
              value: [{ fulfillment_channel_code: 'DEFAULT', quantity: -1 }],
            },
          ],
        },
      ],
    });
    const documentBody = await client.json<{ feedDocumentId: string; url: string }>(
      'POST',
      '/feeds/2021-06-30/documents',
      { contentType: 'application/json' },
    );
    await fetch(documentBody.body.url, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: content,
    });
    const created = await client.json<{ feedId: string }>('POST', '/feeds/2021-06-30/feeds', {
      feedType: 'JSON_LISTINGS_FEED',
      marketplaceIds: ['ATVPDKIKX0DER'],
      inputFeedDocumentId: documentBody.body.feedDocumentId,
    });
    await client.advance(10);
    const feed = await client.json<{ processingStatus: string; resultFeedDocumentId: string }>(
      'GET',
      `/feeds/2021-06-30/feeds/${created.body.feedId}`,
    );
    expect(feed.body.processingStatus).toBe('DONE');
    const location = await client.json<{ url: string }>(
      'GET',
      `/feeds/2021-06-30/documents/${feed.body.resultFeedDocumentId}`,
    );
    const report = (await (await fetch(location.body.url)).json()) as {
      issues: { messageId: number; severity: string }[];
      summary: Record<string, number>;
    };
    expect(report.summary).toMatchObject({ messagesProcessed: 2, messagesAccepted: 1, messagesInvalid: 1 });
    expect(report.issues).toEqual([expect.objectContaining({ messageId: 2, severity: 'ERROR' })]);
    const { listings } = (
      await client.control<{ listings: { sku: string; quantity: number | null }[] }>('GET', '/listings')
    ).body;
    expect(listings.find((l) => l.sku === 'SKU-CONF-1')?.quantity).toBe(0);
    expect(listings.find((l) => l.sku === 'SKU-CONF-2')?.quantity).toBe(7);
    expect(listings.find((l) => l.sku === 'SKU-CONF-3')).toBeUndefined();
  });
});
