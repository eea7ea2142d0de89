import nock from 'nock';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '../../test/helpers/context.js';
import type { Company } from '../companies/companies.service.js';
import { saveCursor } from '../jobs/sync-cursors.repository.js';
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
import { runDownload, testGateway } from './download.test-support.js';
import { ORDERS_STREAM, type OrderCursor } from './download-window.js';
import { findOrderWithItems } from './orders.service.js';

/**
 * Every record that cannot be read, mapped or stored is set aside as a download problem naming the order,
 * the field and the source; the rest of its page or report is stored, and the company's next run succeeds.
 */

const AMAZON_DATE = 'Sat, 21 Nov 2026 22:58:00 GMT';
/** Both clocks pinned: ours reads Amazon's Date header time. */
const NOW = () => new Date(Date.parse(AMAZON_DATE));
const COMMITTED = '2026-11-21T22:00:00.000Z';
const WINDOW_END = '2026-11-21T22:56:00.000Z';

let context: TestContext;

beforeAll(async () => {
  nock.disableNetConnect();
  nock.enableNetConnect('127.0.0.1');
  context = await createTestContext();
});

afterAll(async () => {
  nock.cleanAll();
  nock.enableNetConnect();
  await context.cleanup();
});

/** A copy of Amazon's example order: Amazon-fulfilled (no customization download), with this id. */
function order(orderId: string, changes: Record<string, unknown> = {}): Record<string, unknown> {
  const example = exampleOrder();
  const items = (example.orderItems as Record<string, unknown>[]).map((item) => {
    const { customization: _none, ...product } = item.product as Record<string, unknown>;
    return { ...item, product };
  });
  return {
    ...example,
    orderId,
    lastUpdatedTime: '2026-11-21T22:30:00Z',
    fulfillment: { ...(example.fulfillment as object), fulfilledBy: 'AMAZON' },
    orderItems: items,
    ...changes,
  };
}

function page(orders: unknown[]) {
  amazonClockAt(AMAZON_DATE);
  nock(SP_API)
    .get('/orders/2026-01-01/orders')
    .query(true)
    .reply(200, { orders, lastUpdatedBefore: WINDOW_END }, { Date: AMAZON_DATE });
}

function getOrder(orderId: string, reply: Record<string, unknown>) {
  nock(SP_API)
    .get(`/orders/2026-01-01/orders/${orderId}`)
    .query(true)
    .reply(200, { order: reply }, { Date: AMAZON_DATE });
}

async function company(): Promise<Company> {
  const created = await nockedCompany(context);
  await saveCursor(context.db, created.id, ORDERS_STREAM, { committedUntil: COMMITTED, clockOffsetMs: 0 });
  return created;
}

function download(of: Company) {
  return runDownload(context, { company: of, amazon: testGateway(context) }, { now: NOW });
}

async function problems(of: Company) {
  return context.db
    .selectFrom('order_download_problems')
    .select(['amazon_order_id', 'problem', 'source', 'resolved_at'])
    .where('company_id', '=', of.id)
    .orderBy('amazon_order_id', (ob) => ob.asc().nullsLast())
    .execute();
}

async function cursorOf(of: Company): Promise<OrderCursor> {
  const row = await context.db
    .selectFrom('sync_cursors')
    .select('position')
    .where('company_id', '=', of.id)
    .executeTakeFirstOrThrow();
  return row.position as OrderCursor;
}

describe('a searchOrders page with bad records', { timeout: 60_000 }, () => {
  it('stores the rest when the same malformed order is on the page twice, and the next run succeeds', async () => {
    const seller = await company();
    const broken = order('111-0000000-0000002', { lastUpdatedTime: 'not a time' });
    page([order('111-0000000-0000001'), broken, broken]);

    const counts = await download(seller);

    expect(counts).toMatchObject({ inserted: 1, rejected: 2 });
    expect(await findOrderWithItems(context.db, seller.id, '111-0000000-0000001')).not.toBeNull();
    expect(await problems(seller)).toEqual([
      {
        amazon_order_id: '111-0000000-0000002',
        problem: expect.stringMatching(
          /^searchOrders: order 111-0000000-0000002 is malformed: .*lastUpdatedTime/,
        ),
        source: `searchOrders:${new Date(Date.parse(COMMITTED) - 5 * 60_000).toISOString()}#1`,
        resolved_at: null,
      },
    ]);
    expect((await cursorOf(seller)).committedUntil).toBe(WINDOW_END);

    getOrder('111-0000000-0000002', order('111-0000000-0000002'));
    page([]);
    await expect(download(seller)).resolves.toMatchObject({ problemsResolved: 1 });
    expect(await findOrderWithItems(context.db, seller.id, '111-0000000-0000002')).not.toBeNull();
    expect(pendingAmazonCalls()).toEqual([]);
  });

  it('sets aside an order Postgres refuses (a currency code it cannot hold) and stores the others', async () => {
    const seller = await company();
    const example = exampleOrder();
    const proceeds = {
      ...(example.proceeds as object),
      grandTotal: { amount: '154.99', currencyCode: 'usd' },
    };
    page([
      order('222-0000000-0000001'),
      order('222-0000000-0000002', { proceeds }),
      order('222-0000000-0000003'),
    ]);

    const counts = await download(seller);

    expect(counts).toMatchObject({ inserted: 2, rejected: 1 });
    for (const id of ['222-0000000-0000001', '222-0000000-0000003'])
      expect((await findOrderWithItems(context.db, seller.id, id))?.items).toHaveLength(2);
    expect(await findOrderWithItems(context.db, seller.id, '222-0000000-0000002')).toBeNull();
    expect(await problems(seller)).toMatchObject([
      {
        amazon_order_id: '222-0000000-0000002',
        problem: expect.stringMatching(
          /^searchOrders:.*#1: order 222-0000000-0000002 cannot be stored: .*orders_currency_check/,
        ),
        resolved_at: null,
      },
    ]);
    expect((await cursorOf(seller)).committedUntil).toBe(WINDOW_END);

    // Asked again, Amazon still sends it so: it stays open, and the run goes on to the next window.
    getOrder('222-0000000-0000002', order('222-0000000-0000002', { proceeds }));
    page([order('222-0000000-0000004')]);
    await expect(download(seller)).resolves.toMatchObject({ problemsStillOpen: 1, inserted: 1 });
    expect(await problems(seller)).toMatchObject([
      { source: expect.stringMatching(/^getOrder\(problem\):/) },
    ]);
    expect(pendingAmazonCalls()).toEqual([]);
  });
});

describe('an all-orders report with bad lines', { timeout: 60_000 }, () => {
  it('stores every order it can read, sets the others aside naming the report, and the next run succeeds', async () => {
    const seller = await company();
    const after = '2026-11-21T21:55:00.000Z';
    await saveCursor(context.db, seller.id, ORDERS_STREAM, {
      committedUntil: COMMITTED,
      clockOffsetMs: 0,
      window: {
        after,
        end: WINDOW_END,
        plan: 'report',
        phase: 'report',
        pages: 1,
        reportId: 'R-BAD',
        reportRequestedAt: '2026-11-21T22:57:00.000Z',
      },
    } satisfies OrderCursor);
    const document = [
      REPORT_HEADER.join('\t'),
      reportLine('333-0000000-0000001', { sku: 'A' }),
      reportLine('333-0000000-0000001', { sku: 'B' }),
      reportLine('333-0000000-0000002', { 'order-status': 'Teleported' }),
      reportLine(''),
      reportLine('333-0000000-0000003', { currency: 'usd' }),
      reportLine('333-0000000-0000004', { 'item-price': '1,000.00' }),
      reportLine('333-0000000-0000005'),
    ].join('\n');
    allOrdersReportDone('R-BAD', document, AMAZON_DATE);

    const counts = await download(seller);

    expect(counts).toMatchObject({ reportOrders: 3, rejected: 4 });
    expect(
      (await findOrderWithItems(context.db, seller.id, '333-0000000-0000001'))?.items.map((i) => i.sku),
    ).toEqual(['A', 'B']);
    expect(await findOrderWithItems(context.db, seller.id, '333-0000000-0000005')).not.toBeNull();
    expect(await problems(seller)).toEqual([
      {
        amazon_order_id: '333-0000000-0000002',
        problem: 'report R-BAD order 333-0000000-0000002: order-status "Teleported" is not a known status',
        source: 'report:R-BAD',
        resolved_at: null,
      },
      {
        amazon_order_id: '333-0000000-0000003',
        problem: expect.stringMatching(
          /^report:R-BAD: order 333-0000000-0000003 cannot be stored: .*currency/,
        ),
        source: 'report:R-BAD',
        resolved_at: null,
      },
      {
        amazon_order_id: '333-0000000-0000004',
        problem: 'report R-BAD order 333-0000000-0000004: item-price "1,000.00" is not a decimal',
        source: 'report:R-BAD',
        resolved_at: null,
      },
      {
        amazon_order_id: null,
        problem: 'report R-BAD line 5: amazon-order-id is empty',
        source: 'report:R-BAD',
        resolved_at: null,
      },
    ]);
    expect(await cursorOf(seller)).toEqual({ committedUntil: WINDOW_END, clockOffsetMs: 0 });

    // The next run asks Amazon for the three orders it set aside, stores them, then reads on.
    for (const id of ['333-0000000-0000002', '333-0000000-0000003', '333-0000000-0000004'])
      getOrder(id, order(id));
    page([]);
    await expect(download(seller)).resolves.toMatchObject({ problemsResolved: 3 });
    expect((await problems(seller)).filter((p) => p.resolved_at === null)).toHaveLength(1);
    expect(pendingAmazonCalls()).toEqual([]);
  });
});
