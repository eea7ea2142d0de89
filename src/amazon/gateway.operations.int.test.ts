import { gzipSync } from 'node:zlib';
import nock from 'nock';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '../../test/helpers/context.js';
import {
  createAmazonCompany,
  gatewayFactory,
  sandboxExample,
  TEST_CREDENTIALS,
} from '../../test/amazon/helpers.js';
import { AmazonError, AmazonResponseError } from './errors.js';
import type { AmazonPort } from './port.js';

const SP_API = 'https://sellingpartnerapi-na.amazon.com';
const LWA = 'https://api.amazon.com';
const ACCESS_TOKEN = 'Atza|operations-test-token';
const AMAZON_DATE = 'Sat, 21 Nov 2026 22:58:00 GMT';

let context: TestContext;
let port: AmazonPort;

function tokenExchange() {
  return nock(LWA)
    .post('/auth/o2/token', {
      grant_type: 'refresh_token',
      refresh_token: TEST_CREDENTIALS.refreshToken,
      client_id: TEST_CREDENTIALS.lwaClientId,
      client_secret: TEST_CREDENTIALS.lwaClientSecret,
    })
    .reply(200, { access_token: ACCESS_TOKEN, token_type: 'bearer', expires_in: 3600 });
}

function spApi() {
  return nock(SP_API, { reqheaders: { 'x-amz-access-token': ACCESS_TOKEN } });
}

beforeAll(async () => {
  nock.disableNetConnect();
  context = await createTestContext();
  const company = await createAmazonCompany(context);
  port = await gatewayFactory(context).forCompany(company.id);
  tokenExchange();
});

afterEach(() => {
  expect(nock.pendingMocks()).toEqual([]);
});

afterAll(async () => {
  nock.cleanAll();
  nock.enableNetConnect();
  await context.cleanup();
});

describe('orders 2026-01-01', () => {
  it('searchOrders sends the filters Amazon expects and returns orders with Amazon’s clock and next token', async () => {
    const example = sandboxExample('orders_2026-01-01.json', 'searchOrders', '200', 1);
    const includedData = example.parameters.includedData as string[];
    spApi()
      .get('/orders/2026-01-01/orders')
      .query({
        createdAfter: '2024-12-23T00:00:00Z',
        marketplaceIds: 'A1F83G8C2ARO7P',
        includedData: includedData.join(','),
        paginationToken: '9ZhB4RmVyc2lvbiAxLjAgb2YgdGhl',
      })
      .reply(200, example.response as nock.Body, { Date: AMAZON_DATE, 'x-amzn-RateLimit-Limit': '0.0056' });

    const page = await port.searchOrders({
      createdAfter: '2024-12-23T00:00:00Z',
      marketplaceIds: ['A1F83G8C2ARO7P'],
      includedData,
      paginationToken: '9ZhB4RmVyc2lvbiAxLjAgb2YgdGhl',
    });

    const expected = example.response as {
      orders: { orderId: string }[];
      pagination?: { nextToken?: string };
    };
    expect(page.amazonTime.toISOString()).toBe('2026-11-21T22:58:00.000Z');
    expect(page.orders.map((order) => order.orderId)).toEqual(expected.orders.map((order) => order.orderId));
    expect(page.nextToken).toBe(expected.pagination?.nextToken);
    expect(page.orders[0]?.orderItems[0]?.proceeds?.proceedsTotal?.amount).toMatch(/^\d+(\.\d+)?$/);
  });

  it('searchOrders sends several marketplaces and statuses comma-separated, as Amazon’s arrays', async () => {
    spApi()
      .get('/orders/2026-01-01/orders')
      .query({
        lastUpdatedAfter: '2026-11-21T20:00:00Z',
        marketplaceIds: 'ATVPDKIKX0DER,A2EUQ1WTGCTBG2',
        fulfillmentStatuses: 'UNSHIPPED,PARTIALLY_SHIPPED',
        maxResultsPerPage: '100',
      })
      .reply(200, { orders: [] }, { Date: AMAZON_DATE });
    const page = await port.searchOrders({
      lastUpdatedAfter: '2026-11-21T20:00:00Z',
      marketplaceIds: ['ATVPDKIKX0DER', 'A2EUQ1WTGCTBG2'],
      fulfillmentStatuses: ['UNSHIPPED', 'PARTIALLY_SHIPPED'],
      maxResultsPerPage: 100,
    });
    expect(page.orders).toEqual([]);
    expect(page.nextToken).toBeUndefined();
  });

  it('keeps and logs an enum member it does not know instead of failing', async () => {
    const example = sandboxExample('orders_2026-01-01.json', 'searchOrders', '200', 0);
    const response = structuredClone(example.response) as {
      orders: { fulfillment: { fulfillmentStatus: string } }[];
    };
    response.orders[0]!.fulfillment.fulfillmentStatus = 'AWAITING_PICKUP';
    spApi().get('/orders/2026-01-01/orders').query(true).reply(200, response, { Date: AMAZON_DATE });

    const page = await port.searchOrders({
      createdAfter: '2024-12-25T00:00:00Z',
      marketplaceIds: ['A1VC38T7YXB528'],
    });

    expect(page.orders[0]?.fulfillment?.fulfillmentStatus).toBe('AWAITING_PICKUP');
    const logged = context.logs.entries().find((entry) => entry.value === 'AWAITING_PICKUP');
    expect(logged).toMatchObject({
      operation: 'searchOrders',
      field: 'orders[].fulfillment.fulfillmentStatus',
    });
  });

  it('sets a malformed order aside in rejectedOrders, naming the operation, order and field, and returns the rest', async () => {
    const example = sandboxExample('orders_2026-01-01.json', 'searchOrders', '200', 0);
    const [valid] = (example.response as { orders: Record<string, unknown>[] }).orders;
    const malformedAmount = structuredClone(valid) as { orderId: string; proceeds: { grandTotal: object } };
    malformedAmount.orderId = '902-0000000-0000002';
    malformedAmount.proceeds.grandTotal = { currencyCode: 'USD', amount: '154,99' };
    spApi()
      .get('/orders/2026-01-01/orders')
      .query(true)
      .reply(
        200,
        {
          orders: [
            { orderId: '1', createdTime: 'x', salesChannel: { channelName: 'AMAZON' }, orderItems: [] },
            valid,
            malformedAmount,
            { createdTime: 'x' },
          ],
        },
        { Date: AMAZON_DATE },
      );

    const page = await port.searchOrders({
      createdAfter: '2024-12-25T00:00:00Z',
      marketplaceIds: ['A1VC38T7YXB528'],
    });

    expect(page.orders.map((order) => order.orderId)).toEqual([valid?.orderId]);
    expect(page.rejectedOrders).toEqual([
      {
        orderId: '1',
        problem: 'searchOrders: order 1 is malformed: response field orders.0.lastUpdatedTime is missing',
      },
      {
        orderId: '902-0000000-0000002',
        problem:
          'searchOrders: order 902-0000000-0000002 is malformed: response field orders.2.proceeds.grandTotal.amount is invalid: expected a decimal string',
      },
      { orderId: null, problem: 'searchOrders: response field orders.3.orderId is missing' },
    ]);
    expect(JSON.stringify(page.rejectedOrders)).not.toContain('154,99');
  });

  it('still refuses a searchOrders answer whose envelope is broken', async () => {
    spApi()
      .get('/orders/2026-01-01/orders')
      .query(true)
      .reply(200, { orders: 'none' }, { Date: AMAZON_DATE });
    const error = await port
      .searchOrders({ createdAfter: '2024-12-25T00:00:00Z', marketplaceIds: ['A1VC38T7YXB528'] })
      .catch((err: unknown) => err);
    expect(error).toBeInstanceOf(AmazonResponseError);
    expect((error as Error).message).toMatch(/^searchOrders: response field orders is /);
  });

  it('getOrder refuses a malformed order, naming the operation, order and field', async () => {
    const example = sandboxExample('orders_2026-01-01.json', 'getOrder', '200', 0);
    const response = structuredClone(example.response) as { order: Record<string, unknown> };
    delete response.order.createdTime;
    spApi().get('/orders/2026-01-01/orders/171-9876543-2109876').reply(200, response);
    await expect(port.getOrder('171-9876543-2109876')).rejects.toThrow(
      'getOrder: order 171-9876543-2109876 is malformed: response field order.createdTime is missing',
    );
  });

  it('refuses a searchOrders answer without a Date header: windows need Amazon’s clock', async () => {
    spApi().get('/orders/2026-01-01/orders').query(true).reply(200, { orders: [] });
    await expect(
      port.searchOrders({ createdAfter: '2024-12-25T00:00:00Z', marketplaceIds: ['A1VC38T7YXB528'] }),
    ).rejects.toThrow('searchOrders: response field Date header is missing or not a date');
  });

  it('getOrder asks for the included data and returns the order', async () => {
    const example = sandboxExample('orders_2026-01-01.json', 'getOrder', '200', 0);
    spApi()
      .get('/orders/2026-01-01/orders/171-9876543-2109876')
      .query({ includedData: (example.parameters.includedData as string[]).join(',') })
      .reply(200, example.response as nock.Body);
    const order = await port.getOrder('171-9876543-2109876', example.parameters.includedData as string[]);
    expect(order.orderId).toBe('171-9876543-2109876');
    expect(order.orderItems.length).toBeGreaterThan(0);
  });

  it('a 400 is an invalid_request with Amazon’s message, sent once', async () => {
    const example = sandboxExample('orders_2026-01-01.json', 'getOrder', '400');
    spApi()
      .get('/orders/2026-01-01/orders/TEST_CASE_400')
      .reply(400, example.response as nock.Body, { 'x-amzn-RequestId': 'req-1' });
    const error = (await port.getOrder('TEST_CASE_400').catch((err: unknown) => err)) as AmazonError;
    expect(error).toBeInstanceOf(AmazonError);
    expect(error).toMatchObject({
      kind: 'invalid_request',
      status: 400,
      code: 'InvalidInput',
      operation: 'getOrder',
      requestId: 'req-1',
    });
    expect(error.message).toBe('getOrder: Invalid Input');
  });

  it('a 404 is not_found', async () => {
    spApi()
      .get('/orders/2026-01-01/orders/404-0000000-0000000')
      .reply(404, { errors: [{ code: 'NotFound', message: 'Order not found' }] });
    await expect(port.getOrder('404-0000000-0000000')).rejects.toMatchObject({
      kind: 'not_found',
      status: 404,
    });
  });

  it('confirmShipment posts the package as JSON to the v0 path and accepts 204', async () => {
    const example = sandboxExample('ordersV0.json', 'confirmShipment', '204');
    const body = example.parameters.body as Parameters<AmazonPort['confirmShipment']>[1];
    spApi()
      .post(
        '/orders/v0/orders/902-1106328-1059050/shipmentConfirmation',
        body as unknown as nock.RequestBodyMatcher,
      )
      .matchHeader('content-type', /application\/json/)
      .reply(204);
    await expect(port.confirmShipment('902-1106328-1059050', body)).resolves.toBeUndefined();
  });
});

describe('reports', () => {
  it('createReport, getReport, getReports, cancelReport and getReportDocument follow Amazon’s examples', async () => {
    const create = sandboxExample('reports_2021-06-30.json', 'createReport', '202');
    const get = sandboxExample('reports_2021-06-30.json', 'getReport', '200');
    const list = sandboxExample('reports_2021-06-30.json', 'getReports', '200');
    const document = sandboxExample('reports_2021-06-30.json', 'getReportDocument', '200');
    spApi()
      .post('/reports/2021-06-30/reports', create.parameters.body as nock.RequestBodyMatcher)
      .reply(202, create.response as nock.Body);
    spApi()
      .get('/reports/2021-06-30/reports/ID323')
      .reply(200, get.response as nock.Body);
    spApi()
      .get('/reports/2021-06-30/reports')
      .query({
        reportTypes: 'FEE_DISCOUNTS_REPORT,GET_AFN_INVENTORY_DATA',
        processingStatuses: 'IN_QUEUE,IN_PROGRESS',
      })
      .reply(200, list.response as nock.Body, { Date: AMAZON_DATE });
    spApi()
      .get('/reports/2021-06-30/reports')
      .query({ nextToken: 'abc+/=' })
      .reply(200, { reports: [] }, { Date: AMAZON_DATE });
    spApi().delete('/reports/2021-06-30/reports/ID').reply(200);
    spApi()
      .get('/reports/2021-06-30/documents/0356cf79-b8b0-4226-b4b9-0ee058ea5760')
      .reply(200, document.response as nock.Body);

    expect(
      await port.createReport(create.parameters.body as Parameters<AmazonPort['createReport']>[0]),
    ).toEqual({ reportId: 'ID323' });
    const report = await port.getReport('ID323');
    expect(report).toMatchObject({ reportId: 'ReportId1', reportType: 'FEE_DISCOUNTS_REPORT' });
    const page = await port.getReports({
      reportTypes: ['FEE_DISCOUNTS_REPORT', 'GET_AFN_INVENTORY_DATA'],
      processingStatuses: ['IN_QUEUE', 'IN_PROGRESS'],
    });
    expect(page.nextToken).toBe((list.response as { nextToken: string }).nextToken);
    expect(page.reports.length).toBe((list.response as { reports: unknown[] }).reports.length);
    expect(page.amazonTime).toEqual(new Date(AMAZON_DATE));
    // With nextToken, the other filters must not be sent (Amazon's rule).
    expect((await port.getReports({ reportTypes: ['X'], nextToken: 'abc+/=' })).reports).toEqual([]);
    await expect(port.cancelReport('ID')).resolves.toBeUndefined();
    const location = await port.getReportDocument('0356cf79-b8b0-4226-b4b9-0ee058ea5760');
    const expected = document.response as { url: string; compressionAlgorithm?: string };
    expect(location).toEqual({
      documentId: '0356cf79-b8b0-4226-b4b9-0ee058ea5760',
      url: expected.url,
      ...(expected.compressionAlgorithm ? { compressionAlgorithm: expected.compressionAlgorithm } : {}),
    });
  });

  it('downloads a GZIP document as a gunzipped stream', async () => {
    const content = 'settlement-id\ttotal-amount\n12345\t99.90\n'.repeat(2000);
    nock('https://tortuga-prod-na.s3.amazonaws.com')
      .get('/doc-1')
      .query({ 'X-Amz-Signature': 'sig' })
      .reply(200, gzipSync(content));
    const stream = await port.downloadDocument({
      documentId: 'doc-1',
      url: 'https://tortuga-prod-na.s3.amazonaws.com/doc-1?X-Amz-Signature=sig',
      compressionAlgorithm: 'GZIP',
    });
    const chunks: Buffer[] = [];
    for await (const chunk of stream) chunks.push(chunk as Buffer);
    expect(Buffer.concat(chunks).toString('utf8')).toBe(content);
  });

  it('an expired document URL is not_found (fetch a fresh URL), not a credentials problem', async () => {
    nock('https://tortuga-prod-na.s3.amazonaws.com')
      .get('/doc-2')
      .reply(403, '<Error><Code>AccessDenied</Code><Message>Request has expired</Message></Error>');
    await expect(
      port.downloadDocument({ documentId: 'doc-2', url: 'https://tortuga-prod-na.s3.amazonaws.com/doc-2' }),
    ).rejects.toMatchObject({
      kind: 'not_found',
      status: 403,
    });
  });
});

describe('feeds', () => {
  it('creates a document, uploads it with the same content type, creates and reads feeds', async () => {
    const createDocument = sandboxExample('feeds_2021-06-30.json', 'createFeedDocument', '201');
    const createFeed = sandboxExample('feeds_2021-06-30.json', 'createFeed', '202');
    const getFeed = sandboxExample('feeds_2021-06-30.json', 'getFeed', '200');
    const getFeeds = sandboxExample('feeds_2021-06-30.json', 'getFeeds', '200');
    const getDocument = sandboxExample('feeds_2021-06-30.json', 'getFeedDocument', '200');
    const contentType = 'text/tab-separated-values; charset=UTF-8';
    spApi()
      .post('/feeds/2021-06-30/documents', { contentType })
      .reply(201, createDocument.response as nock.Body);
    nock('https://d34o8swod1owfl.cloudfront.net', { reqheaders: { 'content-type': contentType } })
      .put('/Feed_101__POST_PRODUCT_DATA_.xml', 'sku\tquantity\nABC\t0\n')
      .reply(200);
    spApi()
      .post('/feeds/2021-06-30/feeds', createFeed.parameters.body as nock.RequestBodyMatcher)
      .reply(202, createFeed.response as nock.Body);
    spApi()
      .get('/feeds/2021-06-30/feeds/feedId1')
      .reply(200, getFeed.response as nock.Body);
    spApi()
      .get('/feeds/2021-06-30/feeds')
      .query({ feedTypes: 'POST_PRODUCT_DATA', pageSize: '10', processingStatuses: 'CANCELLED,DONE' })
      .reply(200, getFeeds.response as nock.Body, { Date: AMAZON_DATE });
    spApi()
      .get('/feeds/2021-06-30/documents/0356cf79-b8b0-4226-b4b9-0ee058ea5760')
      .reply(200, getDocument.response as nock.Body);

    const created = await port.createFeedDocument(contentType);
    expect(created.feedDocumentId).toBe('3d4e42b5-1d6e-44e8-a89c-2abfca0625bb');
    await port.uploadFeedDocument(created.url, contentType, 'sku\tquantity\nABC\t0\n');
    expect(
      await port.createFeed(createFeed.parameters.body as Parameters<AmazonPort['createFeed']>[0]),
    ).toEqual({ feedId: '3485934' });
    expect(await port.getFeed('feedId1')).toMatchObject({ feedId: 'FeedId1', processingStatus: 'CANCELLED' });
    const feeds = await port.getFeeds({
      feedTypes: ['POST_PRODUCT_DATA'],
      pageSize: 10,
      processingStatuses: ['CANCELLED', 'DONE'],
    });
    expect(feeds.feeds.map((feed) => feed.feedId)).toEqual(
      (getFeeds.response as { feeds: { feedId: string }[] }).feeds.map((feed) => feed.feedId),
    );
    expect(feeds.amazonTime).toEqual(new Date(AMAZON_DATE));
    const location = await port.getFeedDocument('0356cf79-b8b0-4226-b4b9-0ee058ea5760');
    expect(location.url).toBe('https://d34o8swod1owfl.cloudfront.net/Feed_101__POST_PRODUCT_DATA_.xml');
  });

  it('refuses a getFeeds answer without a Date header: the search after a crash needs Amazon’s clock', async () => {
    const getFeeds = sandboxExample('feeds_2021-06-30.json', 'getFeeds', '200');
    spApi()
      .get('/feeds/2021-06-30/feeds')
      .query(true)
      .reply(200, getFeeds.response as nock.Body);
    await expect(port.getFeeds({ feedTypes: ['POST_PRODUCT_DATA'] })).rejects.toThrow(
      'getFeeds: response field Date header is missing or not a date',
    );
  });
});

describe('listings and finances', () => {
  it('patchListingsItem patches the seller’s SKU in the given marketplaces', async () => {
    const example = sandboxExample('listingsItems_2021-08-01.json', 'patchListingsItem', '200');
    const body = {
      productType: 'PRODUCT',
      patches: [
        {
          op: 'merge',
          path: '/attributes/fulfillment_availability',
          value: [{ fulfillment_channel_code: 'DEFAULT', quantity: 0 }],
        },
      ],
    };
    spApi()
      .patch('/listings/2021-08-01/items/A2SELLER123/GM-ZDPI%2F9B4E', body)
      .query({ marketplaceIds: 'ATVPDKIKX0DER' })
      .reply(200, example.response as nock.Body);
    const submission = await port.patchListingsItem('A2SELLER123', 'GM-ZDPI/9B4E', ['ATVPDKIKX0DER'], body);
    expect(submission).toMatchObject({
      sku: 'GM-ZDPI-9B4E',
      status: 'ACCEPTED',
      submissionId: 'f1dc2914-75dd-11ea-bc55-0242ac130003',
    });
  });

  it('listFinancialEventsByOrderId returns Amazon’s FinancialEvents and the next token', async () => {
    const example = sandboxExample('financesV0.json', 'listFinancialEventsByOrderId', '200');
    spApi()
      .get('/finances/v0/orders/485-734-5434857/financialEvents')
      .query({ NextToken: 'prev' })
      .reply(200, example.response as nock.Body);
    const page = await port.listFinancialEventsByOrderId('485-734-5434857', 'prev');
    const payload = (example.response as { payload: { NextToken: string; FinancialEvents: object } }).payload;
    expect(page).toEqual({ financialEvents: payload.FinancialEvents, nextToken: payload.NextToken });
  });

  it('listTransactions returns Amazon’s transactions with amounts as decimal strings, and the next token', async () => {
    const example = sandboxExample('finances_2024-06-19.json', 'listTransactions', '200');
    spApi()
      .get('/finances/2024-06-19/transactions')
      .query({ postedAfter: '2023-03-07', nextToken: 'jehgri34yo7jr9e8f984tr9i4o' })
      .reply(200, example.response as nock.Body);
    const page = await port.listTransactions({
      postedAfter: String(example.parameters.postedAfter),
      nextToken: String(example.parameters.nextToken),
    });
    expect(page).toMatchObject({ nextToken: 'Next token value', rejectedTransactions: [] });
    expect(page.transactions).toEqual([
      expect.objectContaining({
        transactionType: 'Shipment',
        postedDate: '2020-07-14T03:35:13.214Z',
        totalAmount: { currencyAmount: '10', currencyCode: 'USD' },
        relatedIdentifiers: expect.arrayContaining([
          { relatedIdentifierName: 'ORDER_ID', relatedIdentifierValue: '8129762527551' },
        ]),
      }),
    ]);
  });

  it('listTransactions keeps the transactions of a page that match the model and names the one that does not', async () => {
    spApi()
      .get('/finances/2024-06-19/transactions')
      .query({ postedAfter: '2026-11-01T00:00:00.000Z' })
      .reply(200, {
        payload: {
          transactions: [
            {
              transactionType: 'Refund',
              postedDate: '2026-11-02T00:00:00Z',
              totalAmount: { currencyCode: 'USD', currencyAmount: -12.5 },
            },
            {
              transactionType: 'Refund',
              postedDate: '2026-11-02T00:00:00Z',
              totalAmount: { currencyCode: 'USD', currencyAmount: '-12.5' },
            },
          ],
        },
      });
    const page = await port.listTransactions({ postedAfter: '2026-11-01T00:00:00.000Z' });
    expect(page.transactions.map((t) => t.totalAmount.currencyAmount)).toEqual(['-12.5']);
    expect(page.rejectedTransactions).toHaveLength(1);
    expect(page.rejectedTransactions[0]?.problem).toContain('currencyAmount');
    expect(page).not.toHaveProperty('nextToken');
  });
});

describe('endpoints', () => {
  it('live and sandbox companies go to Amazon’s hosts for their region', async () => {
    const live = await createAmazonCompany(context, { region: 'eu' });
    const sandbox = await createAmazonCompany(context, { region: 'fe', endpoint: 'sandbox' });
    const lwa = nock('https://api.amazon.com')
      .post('/auth/o2/token')
      .times(2)
      .reply(200, { access_token: 'Atza|x', expires_in: 3600 });
    const eu = nock('https://sellingpartnerapi-eu.amazon.com')
      .get('/reports/2021-06-30/reports/R1')
      .reply(200, {
        reportId: 'R1',
        reportType: 'GET_V2_SETTLEMENT_REPORT_DATA_FLAT_FILE',
        createdTime: '2026-11-20T00:00:00Z',
        processingStatus: 'DONE',
      });
    const fe = nock('https://sandbox.sellingpartnerapi-fe.amazon.com')
      .get('/feeds/2021-06-30/feeds/F1')
      .reply(200, {
        feedId: 'F1',
        feedType: 'POST_ORDER_FULFILLMENT_DATA',
        createdTime: '2026-11-20T00:00:00Z',
        processingStatus: 'IN_QUEUE',
      });
    const factory = gatewayFactory(context);
    await expect((await factory.forCompany(live.id)).getReport('R1')).resolves.toMatchObject({
      processingStatus: 'DONE',
    });
    await expect((await factory.forCompany(sandbox.id)).getFeed('F1')).resolves.toMatchObject({
      processingStatus: 'IN_QUEUE',
    });
    lwa.done();
    eu.done();
    fe.done();
  });
});
