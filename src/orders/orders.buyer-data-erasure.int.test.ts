import nock from 'nock';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '../../test/helpers/context.js';
import type { Company } from '../companies/companies.service.js';
import { closeQueues, createQueues, type JobQueues } from '../jobs/queues.js';
import { runJob } from '../jobs/run-job.js';
import { saveCursor } from '../jobs/sync-cursors.repository.js';
import { JOB_HANDLERS } from '../wiring.js';
import {
  allOrdersReportDone,
  amazonClockAt,
  exampleOrder,
  nockedCompany,
  pendingAmazonCalls,
  REPORT_HEADER,
  reportLine,
  SP_API,
} from './amazon-nock.test-support.js';
import { runDownload, testGateway, TEST_ORDER_SETTINGS } from './download.test-support.js';
import { ORDERS_STREAM, type OrderCursor } from './download-window.js';
import { applyConfirmedShipments } from './orders.shipping.js';

/**
 * Buyer data is erased on time whatever source the order's last copy came from (a searchOrders page, an
 * all-orders report line, getOrder): at its delivery (or latest delivery date) + BUYER_DATA_RETENTION_DAYS,
 * by the buyer-data-retention job. Both clocks are pinned: ours reads Amazon's Date header time.
 */

const DAY = 86_400_000;
const RETENTION_DAYS = TEST_ORDER_SETTINGS.buyerDataRetentionDays;
const FROM_PAGE = '111-0000000-0000001';
const FROM_REPORT = '111-0000000-0000002';
const FROM_GET_ORDER = '111-0000000-0000003';
const SHIPPED_BY_US = '111-0000000-0000004';
/** Each order's latest delivery date (deliverByWindow.latestDateTime), a day apart. */
const LATEST_DELIVERY: Record<string, string> = {
  [FROM_PAGE]: '2026-11-26T23:59:59Z',
  [FROM_REPORT]: '2026-11-27T23:59:59Z',
  [FROM_GET_ORDER]: '2026-11-28T23:59:59Z',
  [SHIPPED_BY_US]: '2026-11-29T23:59:59Z',
};

let context: TestContext;
let queues: JobQueues;
let company: Company;
let amazonDate = '';
const now = () => new Date(Date.parse(amazonDate));

beforeAll(async () => {
  nock.disableNetConnect();
  nock.enableNetConnect('127.0.0.1');
  context = await createTestContext();
  queues = createQueues(context.redis, context.redisPrefix);
  company = await nockedCompany(context);
  await saveCursor(context.db, company.id, ORDERS_STREAM, {
    committedUntil: '2026-11-21T22:00:00.000Z',
    clockOffsetMs: 0,
  });
});

afterAll(async () => {
  nock.cleanAll();
  nock.enableNetConnect();
  await closeQueues(queues);
  await context.cleanup();
});

/** Amazon's example order, seller-fulfilled with buyer, recipient and a gift message, in this status. */
function merchantOrder(orderId: string, status: string, lastUpdatedTime: string): Record<string, unknown> {
  const example = exampleOrder();
  const shipped = status === 'SHIPPED';
  const items = (example.orderItems as Record<string, unknown>[]).map((item) => {
    const { customization: _none, ...product } = item.product as Record<string, unknown>;
    const { cancellation: _noCancellation, ...rest } = item;
    const quantity = item.quantityOrdered as number;
    const fulfillment = item.fulfillment as Record<string, unknown> | undefined;
    return {
      ...rest,
      product,
      fulfillment: {
        ...fulfillment,
        quantityFulfilled: shipped ? quantity : 0,
        quantityUnfulfilled: shipped ? 0 : quantity,
      },
    };
  });
  return {
    ...example,
    orderId,
    orderAliases: [],
    associatedOrders: [],
    createdTime: '2026-11-21T10:00:00Z',
    lastUpdatedTime,
    packages: [],
    fulfillment: {
      ...(example.fulfillment as object),
      fulfillmentStatus: status,
      fulfilledBy: 'MERCHANT',
      shipByWindow: { earliestDateTime: '2026-11-21T12:00:00Z', latestDateTime: '2026-11-23T23:59:59Z' },
      deliverByWindow: {
        earliestDateTime: '2026-11-24T00:00:00Z',
        latestDateTime: LATEST_DELIVERY[orderId],
      },
    },
    orderItems: items,
  };
}

function searchPage(date: string, orders: unknown[], lastUpdatedBefore: string): void {
  amazonClockAt(date);
  nock(SP_API)
    .get('/orders/2026-01-01/orders')
    .query(true)
    .reply(200, { orders, lastUpdatedBefore }, { Date: date });
}

/** The all-orders report the window reads, with one line: the order shipped. */
function shippedInReport(date: string, orderId: string, lastUpdated: string): void {
  const line = reportLine(orderId, {
    'last-updated-date': lastUpdated,
    'fulfillment-channel': 'Merchant',
    sku: 'ECHO-DOT-4-CHARCOAL',
    quantity: '2',
    'item-price': '99.98',
  });
  allOrdersReportDone('R-ERASE', [REPORT_HEADER.join('\t'), line].join('\n'), date);
}

async function download(date: string) {
  amazonDate = date;
  return runDownload(context, { company, amazon: testGateway(context) }, { now });
}

/** The buyer-data-retention job, through the run machinery, with our clock at `at`. */
async function retentionJobAt(at: Date): Promise<number> {
  const outcome = await runJob({ ...context, now: () => at }, queues, JOB_HANDLERS, {
    kind: 'buyer-data-retention',
    companyId: company.id,
    trigger: 'manual',
  });
  expect(outcome.status).toBe('succeeded');
  return (outcome.run?.counts as { erased: number }).erased;
}

async function storedOrder(amazonOrderId: string) {
  return context.db
    .selectFrom('orders')
    .selectAll()
    .where('company_id', '=', company.id)
    .where('amazon_order_id', '=', amazonOrderId)
    .executeTakeFirstOrThrow();
}

/** Every piece of buyer data the order holds: buyer, recipient, note, and per item what the buyer wrote. */
async function buyerDataOf(amazonOrderId: string): Promise<string[]> {
  const order = await storedOrder(amazonOrderId);
  const items = await context.db
    .selectFrom('order_items')
    .select(['customized_url_enc', 'customization_raw_enc', 'customization_summary', 'gift_message_enc'])
    .where('order_id', '=', order.id)
    .execute();
  return [
    order.buyer_enc,
    order.recipient_enc,
    order.note,
    ...items.flatMap((item) => Object.values(item)),
  ].filter((value): value is string => value !== null);
}

/** Where the copy that shipped the order came from. */
async function shippedBy(amazonOrderId: string): Promise<string | null> {
  const order = await storedOrder(amazonOrderId);
  const event = await context.db
    .selectFrom('order_events')
    .select('source')
    .where('order_id', '=', order.id)
    .where('to_status', '=', 'Shipped')
    .executeTakeFirst();
  return event?.source ?? null;
}

describe('buyer data of orders whose last copy came from each source', { timeout: 120_000 }, () => {
  it('is erased by the buyer-data-retention job once delivery + retention has passed, not before', async () => {
    // Three orders to ship, with their buyer's data.
    searchPage(
      'Sat, 21 Nov 2026 22:58:00 GMT',
      [FROM_PAGE, FROM_REPORT, FROM_GET_ORDER].map((id) =>
        merchantOrder(id, 'UNSHIPPED', '2026-11-21T22:30:00Z'),
      ),
      '2026-11-21T22:56:00Z',
    );
    expect(await download('Sat, 21 Nov 2026 22:58:00 GMT')).toMatchObject({ inserted: 3 });
    for (const id of [FROM_PAGE, FROM_REPORT, FROM_GET_ORDER])
      expect((await buyerDataOf(id)).length).toBeGreaterThanOrEqual(3);

    // A page ships one; the next copy of another comes malformed and is set aside.
    searchPage(
      'Sun, 22 Nov 2026 10:00:00 GMT',
      [
        merchantOrder(FROM_PAGE, 'SHIPPED', '2026-11-22T09:00:00Z'),
        {
          ...merchantOrder(FROM_GET_ORDER, 'SHIPPED', '2026-11-22T09:10:00Z'),
          lastUpdatedTime: 'not a time',
        },
      ],
      '2026-11-22T09:58:00Z',
    );
    expect(await download('Sun, 22 Nov 2026 10:00:00 GMT')).toMatchObject({ updated: 1, rejected: 1 });

    // getOrder, asked again for the one set aside, returns it shipped; the report ships the third.
    nock(SP_API)
      .get(`/orders/2026-01-01/orders/${FROM_GET_ORDER}`)
      .query(true)
      .reply(200, { order: merchantOrder(FROM_GET_ORDER, 'SHIPPED', '2026-11-22T11:00:00Z') });
    const reportDate = 'Sun, 22 Nov 2026 13:00:00 GMT';
    await saveCursor(context.db, company.id, ORDERS_STREAM, {
      committedUntil: '2026-11-22T09:58:00.000Z',
      clockOffsetMs: 0,
      window: {
        after: '2026-11-22T09:53:00.000Z',
        end: '2026-11-22T12:58:00.000Z',
        plan: 'report',
        phase: 'report',
        pages: 1,
        reportId: 'R-ERASE',
        reportRequestedAt: '2026-11-22T12:59:00.000Z',
      },
    } satisfies OrderCursor);
    shippedInReport(reportDate, FROM_REPORT, '2026-11-22T12:00:00+00:00');
    expect(await download(reportDate)).toMatchObject({ problemsResolved: 1, reportOrders: 1, updated: 2 });
    expect(pendingAmazonCalls()).toEqual([]);

    expect(await shippedBy(FROM_PAGE)).toMatch(/^searchOrders:/);
    expect(await shippedBy(FROM_REPORT)).toBe('report:R-ERASE');
    expect(await shippedBy(FROM_GET_ORDER)).toMatch(/^getOrder\(problem\):/);

    for (const id of [FROM_PAGE, FROM_REPORT, FROM_GET_ORDER]) {
      const eraseAfter = Date.parse(LATEST_DELIVERY[id] ?? '') + RETENTION_DAYS * DAY;
      expect((await storedOrder(id)).erase_after?.getTime()).toBe(eraseAfter);
      // A minute before its time, the job leaves the order's buyer data; a minute after, none is left.
      expect(await retentionJobAt(new Date(eraseAfter - 60_000))).toBe(0);
      expect((await buyerDataOf(id)).length).toBeGreaterThan(0);
      expect(await retentionJobAt(new Date(eraseAfter + 60_000))).toBe(1);
      expect(await buyerDataOf(id)).toEqual([]);
    }
    const erasedEvents = await context.db
      .selectFrom('order_events')
      .innerJoin('orders', 'orders.id', 'order_events.order_id')
      .select('orders.amazon_order_id')
      .where('orders.company_id', '=', company.id)
      .where('order_events.kind', '=', 'buyer_data_erased')
      .execute();
    expect(erasedEvents.map((e) => e.amazon_order_id).sort()).toEqual([
      FROM_PAGE,
      FROM_REPORT,
      FROM_GET_ORDER,
    ]);
  });

  it('is erased too for an order shipped by a shipment Amazon confirmed, with no copy of it downloaded since', async () => {
    searchPage(
      'Sun, 22 Nov 2026 14:00:00 GMT',
      [merchantOrder(SHIPPED_BY_US, 'UNSHIPPED', '2026-11-22T13:30:00Z')],
      '2026-11-22T13:58:00Z',
    );
    expect(await download('Sun, 22 Nov 2026 14:00:00 GMT')).toMatchObject({ inserted: 1 });
    const order = await storedOrder(SHIPPED_BY_US);
    const items = await context.db
      .selectFrom('order_items')
      .select(['id', 'quantity_ordered'])
      .where('order_id', '=', order.id)
      .execute();
    await context.db.transaction().execute((tx) =>
      applyConfirmedShipments(
        tx,
        items.map((item) => ({ orderItemRowId: item.id, quantity: item.quantity_ordered })),
        'feed:F-1',
      ),
    );
    expect((await storedOrder(SHIPPED_BY_US)).status).toBe('Shipped');

    const eraseAfter = Date.parse(LATEST_DELIVERY[SHIPPED_BY_US] ?? '') + RETENTION_DAYS * DAY;
    expect(await retentionJobAt(new Date(eraseAfter - 60_000))).toBe(0);
    expect((await buyerDataOf(SHIPPED_BY_US)).length).toBeGreaterThan(0);
    expect(await retentionJobAt(new Date(eraseAfter + 60_000))).toBe(1);
    expect(await buyerDataOf(SHIPPED_BY_US)).toEqual([]);
  });
});
