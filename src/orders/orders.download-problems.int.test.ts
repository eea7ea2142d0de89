import { execFile } from 'node:child_process';
import nock from 'nock';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createTestContext, type TestContext } from '../../test/helpers/context.js';
import type { AmazonPortFactory } from '../companies/companies.amazon.js';
import type { Company } from '../companies/companies.service.js';
import { JOB_HANDLERS } from '../wiring.js';
import { closeQueues, createQueues, type JobQueues } from '../jobs/queues.js';
import { runJob, type RunOutcome } from '../jobs/run-job.js';
import { amazonClockAt, exampleOrder, nockedCompany, SP_API } from './amazon-nock.test-support.js';
import { deflatedZip, testGateway } from './download.test-support.js';
import { findOrderWithItems } from './orders.service.js';

/** One malformed order on a page: the rest flows, the order is listed as a problem and retried later. */

const AMAZON_DATE = 'Sat, 21 Nov 2026 22:58:00 GMT';
const VALID_ID = '123-4567890-1234567';
const BROKEN_ID = '123-4567890-7654321';
const BROKEN_PROBLEM = `searchOrders: order ${BROKEN_ID} is malformed: response field orders.1.lastUpdatedTime is invalid: expected an ISO 8601 date-time`;
const IDLESS_PROBLEM = 'searchOrders: response field orders.2.orderId is missing';
/** Buyer data in Amazon's example order: none of it may reach a log line or a problem. */
const BUYER_DATA = ['John Smith', 'buyer-email@marketplace.amazon.com', '123 Main Street', '555-123-4567'];

let context: TestContext;
let queues: JobQueues;
let amazon: AmazonPortFactory;
let company: Company;

/** The example order as a second, seller-fulfilled order still to ship (so its buyer data is kept). */
function secondOrder(lastUpdatedTime: string): Record<string, unknown> {
  const order = exampleOrder();
  return {
    ...order,
    orderId: BROKEN_ID,
    lastUpdatedTime,
    fulfillment: { ...(order.fulfillment as object), fulfillmentStatus: 'UNSHIPPED' },
  };
}

function customizationZip() {
  const custom = { customizationInfo: { 'version3.0': { surfaces: [] } } };
  return deflatedZip('12345678901234.json', Buffer.from(JSON.stringify(custom)));
}

function getOrderReplies(order: Record<string, unknown>) {
  nock(SP_API)
    .get(`/orders/2026-01-01/orders/${BROKEN_ID}`)
    .query((query) => String(query.includedData).includes('BUYER'))
    .reply(200, { order }, { Date: AMAZON_DATE });
}

function emptyPage() {
  amazonClockAt(AMAZON_DATE);
  nock(SP_API)
    .get('/orders/2026-01-01/orders')
    .query(true)
    .reply(200, { orders: [], lastUpdatedBefore: '2026-11-21T22:56:00Z' }, { Date: AMAZON_DATE });
}

function download(): Promise<RunOutcome> {
  return runJob({ ...context, amazon }, queues, JOB_HANDLERS, {
    kind: 'order-download',
    companyId: company.id,
    trigger: 'manual',
  });
}

/** The company's problems: the one with an order id first, then the one without. */
async function problemRows() {
  return context.db
    .selectFrom('order_download_problems')
    .selectAll()
    .where('company_id', '=', company.id)
    .orderBy('amazon_order_id', (ob) => ob.asc().nullsLast())
    .execute();
}

function idless(): Record<string, unknown> {
  const { orderId: _dropped, ...order } = exampleOrder();
  return order;
}

function cli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((done) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', 'src/cli/bin.ts', ...args],
      { env: context.childEnv(), timeout: 60_000 },
      (error, stdout, stderr) =>
        done({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr }),
    );
  });
}

beforeAll(async () => {
  // Our clock five days ahead of Amazon's, pinned: windows follow Amazon's clock whatever ours says.
  vi.useFakeTimers({
    toFake: ['Date'],
    now: Date.parse(AMAZON_DATE) + 5 * 86_400_000,
    shouldAdvanceTime: true,
  });
  nock.disableNetConnect();
  nock.enableNetConnect('127.0.0.1');
  context = await createTestContext();
  // That pinned clock is ours here and, as CLOCK_START, in the CLI's process.
  context.now = () => new Date();
  queues = createQueues(context.redis, context.redisPrefix);
  amazon = testGateway(context);
  company = await nockedCompany(context);
});

afterAll(async () => {
  vi.useRealTimers();
  nock.cleanAll();
  nock.enableNetConnect();
  await closeQueues(queues);
  await context.cleanup();
});

describe('a malformed order on a searchOrders page', { timeout: 120_000 }, () => {
  it('does not block the page: the valid order is stored, the bad one recorded, the cursor moves on', async () => {
    amazonClockAt(AMAZON_DATE);
    nock(SP_API)
      .get('/orders/2026-01-01/orders')
      .query(true)
      .reply(
        200,
        {
          orders: [exampleOrder(), secondOrder('yesterday afternoon'), idless()],
          lastUpdatedBefore: '2026-11-21T22:55:30Z',
        },
        { Date: AMAZON_DATE },
      );
    nock('https://amazon.com').get('/custom/view/12345').reply(200, customizationZip());

    const outcome = await download();

    expect(outcome.status).toBe('succeeded');
    expect(outcome.run?.counts).toMatchObject({ pages: 1, inserted: 1, rejected: 2 });
    expect(await findOrderWithItems(context.db, company.id, VALID_ID)).not.toBeNull();
    expect(await findOrderWithItems(context.db, company.id, BROKEN_ID)).toBeNull();
    expect(await problemRows()).toMatchObject([
      {
        amazon_order_id: BROKEN_ID,
        problem: BROKEN_PROBLEM,
        seen_by_run_id: outcome.run?.id,
        resolved_at: null,
      },
      { amazon_order_id: null, problem: IDLESS_PROBLEM, seen_by_run_id: outcome.run?.id, resolved_at: null },
    ]);
    const cursor = await context.db
      .selectFrom('sync_cursors')
      .select('position')
      .where('company_id', '=', company.id)
      .executeTakeFirstOrThrow();
    expect(cursor.position).toMatchObject({ committedUntil: '2026-11-21T22:55:30.000Z' });
    const warning = context.logs.entries().find((entry) => entry.amazonOrderId === BROKEN_ID);
    expect(warning).toMatchObject({ level: 40, companyId: company.id, problem: BROKEN_PROBLEM });
    for (const value of BUYER_DATA) expect(context.logs.text).not.toContain(value);
    expect(nock.pendingMocks().filter((mock) => !mock.includes('auth/o2'))).toEqual([]);
  });

  it('is listed by `sellersync orders problems`', async () => {
    const listed = await cli('orders', 'problems', '--company', String(company.id), '--json');
    expect(listed.code).toBe(0);
    const problems = (JSON.parse(listed.stdout) as { amazonOrderId: string | null }[]).sort((a, b) =>
      String(a.amazonOrderId).localeCompare(String(b.amazonOrderId)),
    );
    expect(problems).toMatchObject([
      { companyId: company.id, amazonOrderId: BROKEN_ID, problem: BROKEN_PROBLEM, resolvedAt: null },
      { companyId: company.id, amazonOrderId: null, problem: IDLESS_PROBLEM, resolvedAt: null },
    ]);
    const text = await cli('orders', 'problems');
    expect(text.code).toBe(0);
    expect(text.stdout).toContain(BROKEN_ID);
    expect(text.stdout).toContain('lastUpdatedTime is invalid');
  });

  it('stays open, seen again, while getOrder still returns it malformed', async () => {
    const [before] = await problemRows();
    getOrderReplies(secondOrder('still not a date'));
    emptyPage();

    const outcome = await download();

    expect(outcome.status).toBe('succeeded');
    const [after] = await problemRows();
    expect(after).toMatchObject({
      resolved_at: null,
      seen_by_run_id: outcome.run?.id,
      problem: `getOrder: order ${BROKEN_ID} is malformed: response field order.lastUpdatedTime is invalid: expected an ISO 8601 date-time`,
      first_seen_at: before?.first_seen_at,
    });
    expect(after!.last_seen_at.getTime()).toBeGreaterThan(before!.last_seen_at.getTime());
    expect(await findOrderWithItems(context.db, company.id, BROKEN_ID)).toBeNull();
    expect(nock.pendingMocks().filter((mock) => !mock.includes('auth/o2'))).toEqual([]);
  });

  it('is stored as a page stores orders, and resolved, once getOrder returns it fixed', async () => {
    getOrderReplies(secondOrder('2026-11-21T20:00:00Z'));
    nock('https://amazon.com').get('/custom/view/12345').reply(200, customizationZip());
    emptyPage();

    const outcome = await download();

    expect(outcome.status).toBe('succeeded');
    expect(outcome.run?.counts).toMatchObject({ problemsResolved: 1, inserted: 1 });
    const stored = await findOrderWithItems(context.db, company.id, BROKEN_ID);
    expect(stored?.order).toMatchObject({ status: 'Unshipped', firstSeenRunId: outcome.run?.id });
    expect(stored?.items.map((item) => item.orderItemId)).toEqual(['12345678901234', '12345678901235']);
    const buyer = await context.db
      .selectFrom('orders')
      .select('buyer_enc')
      .where('amazon_order_id', '=', BROKEN_ID)
      .executeTakeFirstOrThrow();
    expect(buyer.buyer_enc).not.toBeNull();
    const [problem, withoutId] = await problemRows();
    expect(problem?.resolved_at).toBeInstanceOf(Date);
    // An order without an id cannot be asked for again: it stays listed for the seller to look into.
    expect(withoutId).toMatchObject({ amazon_order_id: null, resolved_at: null });
    for (const value of BUYER_DATA) expect(context.logs.text).not.toContain(value);

    const open = await cli('orders', 'problems', '--company', String(company.id), '--json');
    expect(JSON.parse(open.stdout)).toMatchObject([{ amazonOrderId: null, problem: IDLESS_PROBLEM }]);
    const all = await cli('orders', 'problems', '--company', String(company.id), '--all', '--json');
    expect(JSON.parse(all.stdout)).toContainEqual(
      expect.objectContaining({ amazonOrderId: BROKEN_ID, resolvedAt: expect.any(String) }),
    );
    expect(nock.pendingMocks().filter((mock) => !mock.includes('auth/o2'))).toEqual([]);
  });
});
