import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '../../test/helpers/context.js';
import { createAmazonCompany, gatewayFactory } from '../../test/amazon/helpers.js';
import { FakeAmazon } from '../../test/amazon/fake-amazon.js';
import { closeQueues, createQueues, type JobQueues } from '../jobs/queues.js';
import { runJob } from '../jobs/run-job.js';
import { placeOrders, simulatedSeller, type SimulatedSeller } from '../orders/download.test-support.js';
import { StoppedError } from '../shared/abort.js';
import { MINUTE } from '../simulator/clock.js';
import { JOB_HANDLERS } from '../wiring.js';

/** Shutdown ends the gateway's waits at once: a pacing wait of minutes, a document transfer, a back-off. */

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

async function ordersCursor(companyId: number): Promise<unknown> {
  const row = await context.db
    .selectFrom('sync_cursors')
    .select('position')
    .where('company_id', '=', companyId)
    .where('stream', '=', 'orders')
    .executeTakeFirst();
  return row?.position;
}

describe('stopping during the gateway’s waits', () => {
  it('a run waiting minutes for a searchOrders slot ends as stopped within a second; the next run resumes from the cursor', async () => {
    // One usable token, then a slot every ~100 s: the second run's first call must wait that long.
    const seller = await simulatedSeller(context, {
      gateway: {
        ratePlans: { searchOrders: { rate: 0.01, burst: 2 } },
        retry: {
          maxInlineWaitMs: 190_000,
          throttleRetries: 3,
          transientRetries: 2,
          transientBaseDelayMs: 20,
          transientMaxDelayMs: 100,
        },
      },
    });
    sellers.push(seller);
    const app = { ...context, amazon: seller.amazon };
    const companyId = seller.company.id;
    const run = (signal?: AbortSignal) =>
      runJob(app, queues, JOB_HANDLERS, { kind: 'order-download', companyId, trigger: 'schedule', signal });

    placeOrders(seller, [{ fulfilledBy: 'MERCHANT', programs: [] }]);
    seller.server.sim.advance(40 * MINUTE);
    expect(await run()).toMatchObject({ status: 'succeeded', run: { counts: { inserted: 1 } } });
    const cursorAfterFirst = await ordersCursor(companyId);
    placeOrders(seller, [{ fulfilledBy: 'MERCHANT', programs: [] }]);
    seller.server.sim.advance(40 * MINUTE);

    const shutdown = new AbortController();
    const stopping = run(shutdown.signal);
    await new Promise((resolve) => setTimeout(resolve, 300));
    const abortedAt = Date.now();
    shutdown.abort();
    const outcome = await stopping;

    expect(Date.now() - abortedAt).toBeLessThan(1_000);
    expect(outcome.status).toBe('stopped');
    expect(outcome.run?.status).toBe('stopped');
    expect(outcome.run?.error).toBe('searchOrders: stopped for shutdown');
    expect(await ordersCursor(companyId)).toEqual(cursorAfterFirst);

    // Time passes (the bucket refills); the next run picks up the order the stopped one did not reach.
    const buckets = await context.gatewayRedis.keys(`${context.redisPrefix}:amazon:bucket:*:searchOrders}`);
    await context.gatewayRedis.del(...buckets);
    const resumed = await run();
    expect(resumed).toMatchObject({ status: 'succeeded', run: { counts: { inserted: 1 } } });
    expect(await ordersCursor(companyId)).not.toEqual(cursorAfterFirst);
  });

  it('a document download in progress and a transient back-off both end as soon as the signal aborts', async () => {
    const fake = new FakeAmazon();
    const base = await fake.start();
    try {
      fake.use((request) =>
        request.path.startsWith('/documents-store/slow')
          ? { status: 200, body: 'late', delayMs: 20_000 }
          : undefined,
      );
      const company = await createAmazonCompany(context, { endpoint: base });
      const factory = gatewayFactory(context, {
        retry: {
          maxInlineWaitMs: 5_000,
          throttleRetries: 1,
          transientRetries: 3,
          transientBaseDelayMs: 20_000,
          transientMaxDelayMs: 20_000,
        },
      });

      const downloading = new AbortController();
      const download = (await factory.forCompany(company.id, downloading.signal)).downloadCustomization(
        `${base}/documents-store/slow/customization.zip`,
      );
      setTimeout(() => downloading.abort(), 200);
      let startedAt = Date.now();
      await expect(download).rejects.toBeInstanceOf(StoppedError);
      expect(Date.now() - startedAt).toBeLessThan(1_200);

      // getOrder answers 503: the gateway backs off 10–20 s before retrying, unless told to stop.
      fake.script('GET', '/orders/2026-01-01/orders/111-0000000-0000003', { status: 503, body: 'busy' });
      const calling = new AbortController();
      const call = (await factory.forCompany(company.id, calling.signal)).getOrder('111-0000000-0000003');
      setTimeout(() => calling.abort(), 300);
      startedAt = Date.now();
      await expect(call).rejects.toThrow('getOrder: stopped for shutdown');
      expect(Date.now() - startedAt).toBeLessThan(1_300);
    } finally {
      await fake.stop();
    }
  });
});
