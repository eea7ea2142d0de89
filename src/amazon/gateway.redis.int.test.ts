import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '../../test/helpers/context.js';
import { OwnRedis } from '../../test/helpers/own-redis.js';
import { createAmazonCompany, FAST_GATEWAY } from '../../test/amazon/helpers.js';
import { FakeAmazon } from '../../test/amazon/fake-amazon.js';
import type { JobHandlers } from '../jobs/handlers.js';
import { closeQueues, createQueues, type JobQueues } from '../jobs/queues.js';
import { runJob } from '../jobs/run-job.js';
import { createFailFastRedis, type Redis } from '../shared/redis.js';
import { JOB_HANDLERS } from '../wiring.js';
import { createAmazonPortFactory } from '../companies/companies.amazon.js';

/**
 * The gateway's Redis (rate-limit buckets, cached tokens) on a redis-server of this test's own, which
 * it stops: a call fails within seconds naming what was unavailable, and Lua scripts travel once.
 */

let context: TestContext;
let fake: FakeAmazon;
let base: string;
let queues: JobQueues;
const own = new OwnRedis();
let gatewayRedis: Redis;

const factory = () =>
  createAmazonPortFactory(
    { config: context.config, db: context.db, redis: gatewayRedis, logger: context.logger },
    { ...FAST_GATEWAY, ratePlans: { getOrder: { rate: 1000, burst: 1000 } } },
  );

beforeAll(async () => {
  context = await createTestContext();
  fake = new FakeAmazon();
  base = await fake.start();
  await own.start();
  gatewayRedis = createFailFastRedis(own.url);
  gatewayRedis.on('error', () => undefined);
  queues = createQueues(context.redis, context.redisPrefix);
});

afterAll(async () => {
  await closeQueues(queues);
  gatewayRedis.disconnect();
  await own.stop();
  await fake.stop();
  await context.cleanup();
});

describe('the gateway and its Redis', () => {
  it('sends each Lua script once and runs it by digest afterwards', async () => {
    const company = await createAmazonCompany(context, { endpoint: base });
    const port = await factory().forCompany(company.id);
    await port.getOrder('111-0000000-0000009');
    const evalsBefore = await own.commandCalls('eval');
    const shasBefore = await own.commandCalls('evalsha');

    for (let call = 0; call < 12; call++) await port.getOrder(`111-0000000-00000${10 + call}`);

    // After the first call loaded them, twelve slot reservations send no script body at all.
    expect((await own.commandCalls('eval')) - evalsBefore).toBe(0);
    expect((await own.commandCalls('evalsha')) - shasBefore).toBeGreaterThanOrEqual(12);
  });

  it('a Redis outage fails the run within seconds with a clear reason, and nothing reaches Amazon', async () => {
    const company = await createAmazonCompany(context, { endpoint: base });
    const app = { ...context, amazon: factory() };
    const handler: JobHandlers['order-download'] = async (job) => {
      const port = await job.app.amazon.forCompany(job.company.id);
      await port.getOrder('111-0000000-0000001');
      return { status: 'succeeded', counts: {} };
    };
    const handlers = { ...JOB_HANDLERS, 'order-download': handler };
    const run = () =>
      runJob(app, queues, handlers, { kind: 'order-download', companyId: company.id, trigger: 'manual' });
    expect((await run()).status).toBe('succeeded');
    const apiCallsBefore = fake.apiRequests('/orders').length;

    await own.stop();
    const startedAt = Date.now();
    const outcome = await run();
    const tookMs = Date.now() - startedAt;

    expect(outcome.status).toBe('failed');
    expect(outcome.run?.error).toMatch(/^amazon rate limiter: redis did not answer \(.+\)$/);
    expect(tookMs).toBeLessThan(8_000);
    expect(fake.apiRequests('/orders').length).toBe(apiCallsBefore);

    await own.start();
    await expect.poll(async () => (await run()).status, { timeout: 10_000 }).toBe('succeeded');
  });
});
