import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { zipSync } from 'fflate';
import nock from 'nock';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createAmazonCompany, sandboxExample, TEST_CREDENTIALS } from '../../test/amazon/helpers.js';
import { createTestContext, type TestContext } from '../../test/helpers/context.js';
import { updateCompany, type Company } from '../companies/companies.service.js';
import { amazonClockAt } from './amazon-nock.test-support.js';
import { deflatedZip, testGateway, TEST_ORDER_SETTINGS } from './download.test-support.js';
import { downloadOrders } from './orders.download.js';
import type { DownloadContext } from './download-context.js';
import { NO_ORDER_EVENT_HANDLERS } from './order-events.js';
import { findOrderWithItems } from './orders.service.js';

/** Amazon's own payloads (the models' examples) through the real gateway, faked only at the HTTP layer. */

const LWA = 'https://api.amazon.com';
const AMAZON_DATE = 'Sat, 21 Nov 2026 22:58:00 GMT';

let context: TestContext;

function searchOrdersResponseExample(): { orders: Record<string, unknown>[] } {
  const model = JSON.parse(
    readFileSync(resolve(process.cwd(), '../shared/amazon/models/orders_2026-01-01.json'), 'utf8'),
  ) as {
    paths: Record<string, { get: { responses: Record<string, { examples: Record<string, unknown> }> } }>;
  };
  const example =
    model.paths['/orders/2026-01-01/orders']?.get.responses['200']?.examples['application/json'];
  return structuredClone(example) as { orders: Record<string, unknown>[] };
}

async function companyIn(region: 'na' | 'fe', marketplaceIds: string[]): Promise<Company> {
  const company = await createAmazonCompany(context, { region });
  return updateCompany(context.db, context.config.keyring, company.id, {
    marketplaceIds,
    allowOrderDownload: true,
  });
}

function lwa() {
  return nock(LWA)
    .post('/auth/o2/token')
    .reply(200, {
      access_token: `Atza|${TEST_CREDENTIALS.refreshToken}`,
      token_type: 'bearer',
      expires_in: 3600,
    });
}

async function download(company: Company): Promise<Record<string, number>> {
  const run: DownloadContext = {
    db: context.db,
    keyring: context.config.keyring,
    logger: context.logger,
    port: await testGateway(context).forCompany(company.id),
    company,
    runId: null,
    settings: TEST_ORDER_SETTINGS,
    signal: new AbortController().signal,
    // Our clock, pinned days behind Amazon's: the window follows Amazon's.
    now: () => new Date(Date.parse(AMAZON_DATE) - 3 * 86_400_000),
    sleep: (ms) => new Promise((done) => setTimeout(done, ms)),
    orderEvents: NO_ORDER_EVENT_HANDLERS,
    counts: {},
  };
  await downloadOrders(run);
  return run.counts;
}

beforeAll(async () => {
  nock.disableNetConnect();
  nock.enableNetConnect('127.0.0.1');
  context = await createTestContext();
});

afterEach(() => {
  expect(nock.pendingMocks()).toEqual([]);
  nock.cleanAll();
});

afterAll(async () => {
  nock.enableNetConnect();
  await context.cleanup();
});

/** Amazon's clock, then searchOrders answering its example response as one page; returns the queries sent. */
function examplePageAnswered(): Record<string, string>[] {
  const queries: Record<string, string>[] = [];
  amazonClockAt(AMAZON_DATE);
  nock('https://sellingpartnerapi-na.amazon.com')
    .get('/orders/2026-01-01/orders')
    .query((query) => (queries.push(query as Record<string, string>), true))
    .reply(
      200,
      {
        ...searchOrdersResponseExample(),
        pagination: undefined,
        lastUpdatedBefore: '2026-11-21T22:55:30Z',
      },
      { Date: AMAZON_DATE },
    );
  return queries;
}

describe('Amazon’s searchOrders example response', () => {
  it('is stored field for field, with its customization read from the zip at customizedUrl', async () => {
    const company = await companyIn('na', ['ATVPDKIKX0DER']);
    lwa();
    const queries = examplePageAnswered();
    const custom = {
      customizationInfo: {
        'version3.0': { surfaces: [{ areas: [{ label: 'Engraving', text: 'For Anna' }] }] },
      },
    };
    nock('https://amazon.com')
      .get('/custom/view/12345')
      .reply(200, deflatedZip('12345678901234.json', Buffer.from(JSON.stringify(custom))));

    const counts = await download(company);

    expect(counts).toMatchObject({ pages: 1, inserted: 1, customizations: 1 });
    expect(queries[0]).toMatchObject({ marketplaceIds: 'ATVPDKIKX0DER', maxResultsPerPage: '100' });
    expect(queries[0]?.lastUpdatedBefore).toBeUndefined();
    const stored = await findOrderWithItems(context.db, company.id, '123-4567890-1234567');
    expect(stored?.order).toMatchObject({
      purchaseDate: new Date('2024-12-25T10:30:00Z'),
      status: 'Shipped',
      fulfillmentChannel: 'MFN',
      subtypes: ['Business Prime', 'Replacement'],
      replacedOrderId: '123-4567890-1234566',
      orderTotal: '154.9900',
      currency: 'USD',
      paymentStatus: 'complete',
      latestShipDate: new Date('2024-12-27T23:59:59Z'),
      note: 'Engraving: "For Anna"',
    });
    expect(stored?.items.map((i) => [i.orderItemId, i.sku, i.quantityOrdered, i.itemPrice])).toEqual([
      ['12345678901234', 'ECHO-DOT-4-CHARCOAL', 2, '99.9800'],
      ['12345678901235', 'FIRE-TV-4K-2021', 1, '49.9900'],
    ]);
    const cursor = await context.db
      .selectFrom('sync_cursors')
      .select('position')
      .where('company_id', '=', company.id)
      .executeTakeFirstOrThrow();
    // The window ends where Amazon says it ended it (never later than two minutes before its Date header).
    expect(cursor.position).toMatchObject({ committedUntil: '2026-11-21T22:55:30.000Z' });
  });
});

describe('a customization zip bomb at customizedUrl', () => {
  it('is refused: the order is stored with the problem in its note, and the download goes on', async () => {
    const company = await companyIn('na', ['ATVPDKIKX0DER']);
    lwa();
    examplePageAnswered();
    // 11 KiB on the wire, 12 MiB of "JSON" once inflated.
    const bomb = zipSync(
      { '12345678901234.json': new Uint8Array(12 * 1024 * 1024).fill(0x20) },
      { level: 9 },
    );
    nock('https://amazon.com').get('/custom/view/12345').reply(200, Buffer.from(bomb));

    const counts = await download(company);

    expect(counts).toMatchObject({ inserted: 1, customizationsRefused: 1 });
    expect(counts.customizations).toBeUndefined();
    const stored = await findOrderWithItems(context.db, company.id, '123-4567890-1234567');
    expect(stored?.order.note).toBe(
      'Amazon Custom: customization not read: customization zip entry 12345678901234.json inflates beyond 10485760 bytes; refused',
    );
    // Refused for good: the next download of the order does not fetch the archive again.
    expect(stored?.items[0]?.customizationSummary).toMatch(/^Amazon Custom: customization not read/);
  });
});

describe('Amazon’s paginated sandbox examples', () => {
  it('follow the pagination token with the same parameters, and restart the window when a token is refused', async () => {
    const company = await companyIn('fe', ['A1VC38T7YXB528']);
    const first = sandboxExample('orders_2026-01-01.json', 'searchOrders', '200', 0).response as {
      pagination: { nextToken: string };
      orders: { orderId: string }[];
    };
    const second = sandboxExample('orders_2026-01-01.json', 'searchOrders', '200', 1).response as {
      orders: { orderId: string }[];
    };
    const refused = sandboxExample('orders_2026-01-01.json', 'searchOrders', '400', 0).response;
    lwa();
    const sent: Record<string, string>[] = [];
    const api = nock('https://sellingpartnerapi-fe.amazon.com');
    // One clock reading per window: the first, and the one restarted after the refused token.
    amazonClockAt(AMAZON_DATE, 'https://sellingpartnerapi-fe.amazon.com');
    amazonClockAt(AMAZON_DATE, 'https://sellingpartnerapi-fe.amazon.com');
    const record = (query: object) => (sent.push(query as Record<string, string>), true);
    api.get('/orders/2026-01-01/orders').query(record).reply(200, first, { Date: AMAZON_DATE });
    api
      .get('/orders/2026-01-01/orders')
      .query(record)
      .reply(400, refused as nock.Body, { Date: AMAZON_DATE });
    api.get('/orders/2026-01-01/orders').query(record).reply(200, first, { Date: AMAZON_DATE });
    api.get('/orders/2026-01-01/orders').query(record).reply(200, second, { Date: AMAZON_DATE });

    const counts = await download(company);

    expect(counts.windowRestarts).toBe(1);
    const { paginationToken, ...firstParams } = sent[1] ?? {};
    expect(paginationToken).toBe(first.pagination.nextToken);
    expect(firstParams).toEqual(sent[0]);
    expect(sent[2]?.paginationToken).toBeUndefined();
    expect(sent[3]?.paginationToken).toBe(first.pagination.nextToken);
    const stored = await context.db
      .selectFrom('orders')
      .select('amazon_order_id')
      .where('company_id', '=', company.id)
      .orderBy('amazon_order_id')
      .execute();
    expect(stored.map((o) => o.amazon_order_id)).toEqual(
      [...first.orders, ...second.orders].map((o) => o.orderId).sort(),
    );
  });
});

describe('the same order on two pages', () => {
  it('is stored once, the newer copy winning whichever page it is on, the older one only in the timeline', async () => {
    const company = await companyIn('na', ['ATVPDKIKX0DER']);
    const [example] = searchOrdersResponseExample().orders;
    const copy = (lastUpdatedTime: string, fulfillmentStatus: string, orderId = '123-4567890-1234567') => ({
      ...example,
      orderId,
      lastUpdatedTime,
      fulfillment: { ...(example?.fulfillment as object), fulfillmentStatus },
    });
    lwa();
    amazonClockAt(AMAZON_DATE);
    const api = nock('https://sellingpartnerapi-na.amazon.com');
    api
      .get('/orders/2026-01-01/orders')
      .query((query) => query.paginationToken === undefined)
      .reply(
        200,
        {
          orders: [copy('2026-11-21T10:00:00Z', 'UNSHIPPED'), copy('2026-11-21T10:05:00Z', 'SHIPPED')],
          pagination: { nextToken: 'page-2' },
        },
        { Date: AMAZON_DATE },
      );
    api
      .get('/orders/2026-01-01/orders')
      .query((query) => query.paginationToken === 'page-2')
      .reply(
        200,
        {
          orders: [
            copy('2026-11-21T10:01:00Z', 'UNSHIPPED'),
            copy('2026-11-21T10:02:00Z', 'UNSHIPPED', '123-4567890-7654321'),
          ],
        },
        { Date: AMAZON_DATE },
      );

    const counts = await download(company);

    expect(counts).toMatchObject({ pages: 2, inserted: 2, stale: 1 });
    const rows = await context.db
      .selectFrom('orders')
      .select(['amazon_order_id', 'status', 'last_updated_at'])
      .where('company_id', '=', company.id)
      .orderBy('amazon_order_id')
      .execute();
    expect(rows).toEqual([
      {
        amazon_order_id: '123-4567890-1234567',
        status: 'Shipped',
        last_updated_at: new Date('2026-11-21T10:05:00Z'),
      },
      {
        amazon_order_id: '123-4567890-7654321',
        status: 'Unshipped',
        last_updated_at: new Date('2026-11-21T10:02:00Z'),
      },
    ]);
    const items = await context.db
      .selectFrom('order_items')
      .innerJoin('orders', 'orders.id', 'order_items.order_id')
      .select('order_items.order_item_id')
      .where('orders.company_id', '=', company.id)
      .execute();
    expect(items).toHaveLength(4);
    const events = await context.db
      .selectFrom('order_events')
      .innerJoin('orders', 'orders.id', 'order_events.order_id')
      .select(['orders.amazon_order_id', 'order_events.kind'])
      .where('orders.company_id', '=', company.id)
      .where('order_events.kind', 'in', ['first_seen', 'status_changed'])
      .execute();
    // Both copies of the first page are history (Unshipped, then Shipped); the older one of page 2 changes nothing.
    expect(events.filter((e) => e.amazon_order_id === '123-4567890-1234567').map((e) => e.kind)).toEqual([
      'first_seen',
      'status_changed',
    ]);
  });
});
