import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCliProcess } from '../../test/helpers/cli.js';
import { createTestContext, TEST_CLOCK_START, type TestContext } from '../../test/helpers/context.js';
import { createAmazonCompany, gatewayFactory } from '../../test/amazon/helpers.js';
import { FakeAmazon } from '../../test/amazon/fake-amazon.js';
import { getCompany } from '../companies/companies.service.js';
import { listOperationProblems } from '../companies/operation-problems.repository.js';
import type { JobContext, JobHandlers } from '../jobs/handlers.js';
import { closeQueues, createQueues, type JobQueues } from '../jobs/queues.js';
import { runJob } from '../jobs/run-job.js';
import { JOB_HANDLERS } from '../wiring.js';

/** Refusals that concern one operation, and a throttled token endpoint, through the run machinery. */

let context: TestContext;
let queues: JobQueues;
let fake: FakeAmazon;
let base: string;

const ORDER_PATH = '/orders/2026-01-01/orders/111-0000000-0000501';
const roleMissing = {
  errors: [{ code: 'Unauthorized', message: 'Access to requested resource is denied.', details: '' }],
};

/** order-download calls getOrder once; every other kind does nothing. */
const handlers: JobHandlers = {
  ...JOB_HANDLERS,
  'order-download': async (job: JobContext) => {
    const port = await job.app.amazon.forCompany(job.company.id, job.signal);
    await port.getOrder('111-0000000-0000501');
    return { status: 'succeeded', counts: { calls: 1 } };
  },
};

beforeAll(async () => {
  context = await createTestContext();
  context.now = () => TEST_CLOCK_START;
  queues = createQueues(context.redis, context.redisPrefix);
  fake = new FakeAmazon();
  base = await fake.start();
});

afterAll(async () => {
  await closeQueues(queues);
  await fake.stop();
  await context.cleanup();
});

function runFor(companyId: number) {
  const app = { ...context, amazon: gatewayFactory(context) };
  return () => runJob(app, queues, handlers, { kind: 'order-download', companyId, trigger: 'schedule' });
}

describe('a 403 that is about one operation', () => {
  it('fails that run naming the operation, is recorded and shown on the company, and pauses nothing', async () => {
    const company = await createAmazonCompany(context, { endpoint: base });
    const run = runFor(company.id);
    // Refused, then refused again with a fresh token: a role the application lacks, not a bad token.
    fake.script('GET', ORDER_PATH, { status: 403, body: roleMissing }, { status: 403, body: roleMissing });

    const refused = await run();

    expect(refused.status).toBe('failed');
    expect(refused.run?.error).toBe('getOrder: Access to requested resource is denied.');
    expect((await getCompany(context.db, company.id)).authStatus).toBe('active');
    expect(await listOperationProblems(context.db, company.id)).toMatchObject([
      { operation: 'getOrder', status: 403, problem: 'getOrder: Access to requested resource is denied.' },
    ]);
    const shown = await runCliProcess(['company', 'show', String(company.id)], context.childEnv());
    expect(shown.stdout).toContain('amazon refuses getOrder (HTTP 403, last ');
    const shownJson = JSON.parse(
      (await runCliProcess(['company', 'show', String(company.id), '--json'], context.childEnv())).stdout,
    ) as {
      operationProblems: { operation: string }[];
      authStatus: string;
    };
    expect(shownJson).toMatchObject({ authStatus: 'active', operationProblems: [{ operation: 'getOrder' }] });
    expect(context.logs.text).not.toContain('amazon authorization revoked');

    // The role granted: the next run succeeds and the problem is gone.
    expect((await run()).status).toBe('succeeded');
    expect(await listOperationProblems(context.db, company.id)).toEqual([]);
  });

  it('a 403 on an access token that a fresh one does not cure is a revoked authorization', async () => {
    const company = await createAmazonCompany(context, { endpoint: base });
    const revoked = {
      errors: [
        {
          code: 'Unauthorized',
          message: 'Access to requested resource is denied.',
          details: 'The access token you provided is revoked, malformed or invalid.',
        },
      ],
    };
    fake.script('GET', ORDER_PATH, { status: 403, body: revoked }, { status: 403, body: revoked });

    expect((await runFor(company.id)()).status).toBe('failed');

    expect(await getCompany(context.db, company.id)).toMatchObject({
      authStatus: 'needs_reauthorization',
    });
    expect(await listOperationProblems(context.db, company.id)).toEqual([]);
  });
});

describe('a throttled token endpoint', () => {
  it('a 429 from LWA defers the run by its Retry-After, like any throttle, and sends nothing to SP-API', async () => {
    const company = await createAmazonCompany(context, { endpoint: base });
    const throttled = { status: 429, headers: { 'retry-after': '90' }, body: { error: 'throttled' } };
    fake.script('POST', '/auth/o2/token', throttled, throttled, throttled, throttled);
    const apiCallsBefore = fake.apiRequests().length;

    const outcome = await runFor(company.id)();

    expect(outcome.status).toBe('deferred');
    expect(outcome.status === 'deferred' ? outcome.retryAfterMs : 0).toBe(90_000);
    expect(outcome.run?.status).toBe('deferred');
    expect(fake.apiRequests().length).toBe(apiCallsBefore);
    // No token exchanged yet: the credentials are still unverified, not refused.
    expect((await getCompany(context.db, company.id)).authStatus).toBe('unverified');
    const delayed = await queues['order-download'].getDelayed();
    expect(delayed.find((job) => job.data.companyId === company.id)?.opts.delay).toBe(90_000);
  });
});
