import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '../../test/helpers/context.js';
import { JOB_HANDLERS } from '../wiring.js';
import { closeQueues, createQueues, type JobQueues } from '../jobs/queues.js';
import { runJob } from '../jobs/run-job.js';
import { saveCursor } from '../jobs/sync-cursors.repository.js';
import { MINUTE } from '../simulator/clock.js';
import { ORDERS_STREAM, type OrderCursor } from './download-window.js';
import { placeOrders, simulatedSeller, type SimulatedSeller } from './download.test-support.js';

let context: TestContext;
let queues: JobQueues;
const sellers: SimulatedSeller[] = [];

beforeAll(async () => {
  context = await createTestContext();
  queues = createQueues(context.redis, context.redisPrefix);
});

afterAll(async () => {
  await closeQueues(queues);
  await Promise.all(sellers.map((seller) => seller.server.close()));
  await context.cleanup();
});

async function newSeller(settings: Parameters<typeof simulatedSeller>[1] = {}): Promise<SimulatedSeller> {
  const seller = await simulatedSeller(context, settings);
  sellers.push(seller);
  return seller;
}

/** The app as the seller's jobs see it: its Amazon is the simulator, and our clock the simulator's. */
function onSimulatorTime(seller: SimulatedSeller) {
  return { ...context, amazon: seller.amazon, now: () => seller.server.sim.now() };
}

describe('the order-download job', () => {
  it('downloads through the run machinery, recording its counts and first-seen run on the orders', async () => {
    const seller = await newSeller();
    placeOrders(seller, [
      { fulfilledBy: 'MERCHANT', programs: [] },
      { fulfilledBy: 'AMAZON', programs: [] },
    ]);
    seller.server.sim.advance(40 * MINUTE);
    const app = onSimulatorTime(seller);

    const outcome = await runJob(app, queues, JOB_HANDLERS, {
      kind: 'order-download',
      companyId: seller.company.id,
      trigger: 'manual',
    });

    expect(outcome.status).toBe('succeeded');
    expect(outcome.run?.counts).toMatchObject({ inserted: 2, pages: 1, plan_search: 1 });
    const orders = await context.db
      .selectFrom('orders')
      .select(['first_seen_run_id'])
      .where('company_id', '=', seller.company.id)
      .execute();
    expect(orders.map((o) => o.first_seen_run_id)).toEqual([outcome.run?.id, outcome.run?.id]);
  });

  it('when Amazon keeps throttling, is deferred with why, keeps what it committed and queues its own continuation', async () => {
    // A usage plan that refills in a tenth of a second, so the continuation need not wait Amazon's 3 minutes.
    const seller = await newSeller({ gateway: { ratePlans: { searchOrders: { rate: 10, burst: 20 } } } });
    placeOrders(seller, [{ fulfilledBy: 'MERCHANT', programs: [] }]);
    seller.server.sim.advance(40 * MINUTE);
    seller.server.sim.faults.add({
      kind: 'throttle',
      operation: 'searchOrders',
      count: 50,
      status: 503,
      delayMs: 0,
    });
    const app = onSimulatorTime(seller);

    const outcome = await runJob(app, queues, JOB_HANDLERS, {
      kind: 'order-download',
      companyId: seller.company.id,
      trigger: 'schedule',
    });

    expect(outcome).toMatchObject({
      status: 'deferred',
      reason: expect.stringMatching(/^throttled by Amazon/),
    });
    expect(outcome.run?.status).toBe('deferred');
    expect(outcome.run?.error).toMatch(/^throttled by Amazon \(searchOrders\)/);
    expect(outcome.run?.counts).not.toHaveProperty('throttled');
    const delayed = await queues['order-download'].getDelayed();
    expect(delayed.map((job) => job.data)).toContainEqual({
      companyId: seller.company.id,
      trigger: 'schedule',
    });

    seller.server.sim.faults.clear();
    const resumed = await runJob(app, queues, JOB_HANDLERS, {
      kind: 'order-download',
      companyId: seller.company.id,
      trigger: 'schedule',
    });
    expect(resumed.run?.counts).toMatchObject({ inserted: 1 });
    expect(resumed.status).toBe('succeeded');
  });

  it('a run that only finishes the window an earlier run left is deferred, and queues the run to the present', async () => {
    const seller = await newSeller();
    placeOrders(seller, [{ fulfilledBy: 'MERCHANT', programs: [] }]);
    seller.server.sim.advance(40 * MINUTE);
    const amazonNow = seller.server.sim.now().getTime();
    const left: OrderCursor = {
      window: {
        after: new Date(amazonNow - 60 * MINUTE).toISOString(),
        end: new Date(amazonNow - 2 * MINUTE).toISOString(),
        plan: 'search',
        phase: 'search',
        pages: 0,
      },
    };
    await saveCursor(context.db, seller.company.id, ORDERS_STREAM, left);
    const app = onSimulatorTime(seller);
    const request = {
      kind: 'order-download' as const,
      companyId: seller.company.id,
      trigger: 'schedule' as const,
    };

    const resumed = await runJob(app, queues, JOB_HANDLERS, request);
    expect(resumed).toMatchObject({
      status: 'deferred',
      reason: expect.stringContaining('finished the window an earlier run left'),
    });
    expect(resumed.run?.counts).toMatchObject({ inserted: 1 });
    const delayed = await queues['order-download'].getDelayed();
    expect(delayed.map((job) => job.data)).toContainEqual({
      companyId: seller.company.id,
      trigger: 'schedule',
    });

    const current = await runJob(app, queues, JOB_HANDLERS, request);
    expect(current.status).toBe('succeeded');
  });

  it('the buyer-data-retention job runs for every company and reports what it erased', async () => {
    const seller = await newSeller();
    const outcome = await runJob(onSimulatorTime(seller), queues, JOB_HANDLERS, {
      kind: 'buyer-data-retention',
      companyId: seller.company.id,
      trigger: 'manual',
    });
    expect(outcome.status).toBe('succeeded');
    expect(outcome.run?.counts).toEqual({ erased: 0 });
  });
});
