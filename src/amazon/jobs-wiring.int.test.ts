import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '../../test/helpers/context.js';
import { createAmazonCompany, gatewayFactory } from '../../test/amazon/helpers.js';
import { FakeAmazon } from '../../test/amazon/fake-amazon.js';
import { getCompany } from '../companies/companies.service.js';
import type { AppContext } from '../context.js';
import type { JobContext, JobHandlers } from '../jobs/handlers.js';
import { JOB_HANDLERS } from '../wiring.js';
import { listRuns } from '../jobs/job-runs.repository.js';
import { closeQueues, createQueues, type JobQueues } from '../jobs/queues.js';
import { runJob } from '../jobs/run-job.js';
import { listSchedules, reconcileCompanySchedules } from '../jobs/schedules.js';

/** What a job does when the gateway says authorization is revoked or Amazon keeps throttling. */

let context: TestContext;
let app: AppContext;
let queues: JobQueues;
let fake: FakeAmazon;
let fakeBase: string;
const REVOKED_REFRESH_TOKEN = 'Atzr|revoked-by-the-seller';

/** Every job kind calls Amazon once for its company. */
function amazonCallingHandlers(): JobHandlers {
  const handler = async (job: JobContext) => {
    const port = await job.app.amazon.forCompany(job.company.id);
    await port.getOrder('111-0000000-0000001');
    return { calls: 1 };
  };
  return Object.fromEntries(
    Object.keys(JOB_HANDLERS).map((kind) => [kind, handler]),
  ) as unknown as JobHandlers;
}

beforeAll(async () => {
  context = await createTestContext();
  fake = new FakeAmazon();
  fake.use((request) =>
    request.path.endsWith('/auth/o2/token') && request.body.includes(REVOKED_REFRESH_TOKEN)
      ? {
          status: 400,
          body: {
            error: 'invalid_grant',
            error_description: 'The request has an invalid grant parameter : refresh_token',
          },
        }
      : undefined,
  );
  fakeBase = await fake.start();
  app = {
    ...context,
    amazon: gatewayFactory(context, {
      ratePlans: { getOrder: { rate: 0.01, burst: 2 } },
      retry: {
        maxInlineWaitMs: 200,
        throttleRetries: 1,
        transientRetries: 1,
        transientBaseDelayMs: 10,
        transientMaxDelayMs: 20,
      },
    }),
  };
  queues = createQueues(context.redis, context.redisPrefix);
});

afterAll(async () => {
  await closeQueues(queues);
  await fake.stop();
  await context.cleanup();
});

const base = () => fakeBase;

describe('jobs and Amazon failures', () => {
  it('invalid_grant marks only that company for reauthorization, pauses its schedules and logs once', async () => {
    const revoked = await createAmazonCompany(context, {
      endpoint: base(),
      refreshToken: REVOKED_REFRESH_TOKEN,
    });
    const healthy = await createAmazonCompany(context, { endpoint: base() });
    await reconcileCompanySchedules(queues, revoked);
    await reconcileCompanySchedules(queues, healthy);
    const handlers = amazonCallingHandlers();
    const run = (companyId: number) =>
      runJob(app, queues, handlers, { kind: 'order-download', companyId, trigger: 'schedule' });

    const first = await run(revoked.id);
    const second = await run(revoked.id);
    const other = await run(healthy.id);

    expect(first.status).toBe('failed');
    expect(second).toMatchObject({
      status: 'skipped',
      reason: `company ${revoked.id} needs reauthorization`,
    });
    expect(other.status).toBe('succeeded');
    expect((await getCompany(context.db, revoked.id)).authStatus).toBe('needs_reauthorization');
    expect((await getCompany(context.db, healthy.id)).authStatus).toBe('active');
    const scheduled = (await listSchedules(queues)).map((schedule) => schedule.companyId);
    expect(scheduled).not.toContain(revoked.id);
    expect(scheduled).toContain(healthy.id);
    const revokedLogs = context.logs
      .entries()
      .filter((entry) => String(entry.msg).startsWith('amazon authorization revoked'));
    expect(revokedLogs).toHaveLength(1);
    expect(context.logs.text).not.toContain(REVOKED_REFRESH_TOKEN);
  });

  it('a job Amazon keeps throttling is deferred, not failed, and queued again after Amazon’s wait', async () => {
    const company = await createAmazonCompany(context, { endpoint: base() });
    const handlers = amazonCallingHandlers();
    const run = () =>
      runJob(app, queues, handlers, { kind: 'order-download', companyId: company.id, trigger: 'schedule' });

    expect((await run()).status).toBe('succeeded');
    const outcome = await run();

    expect(outcome.status).toBe('deferred');
    const retryAfterMs = outcome.status === 'deferred' ? outcome.retryAfterMs : 0;
    expect(retryAfterMs).toBeGreaterThan(60_000);
    const [latest] = await listRuns(context.db, { companyId: company.id, kind: 'order-download' });
    expect(latest?.status).toBe('deferred');
    const delayed = await queues['order-download'].getDelayed();
    const job = delayed.find((candidate) => candidate.data.companyId === company.id);
    expect(job?.opts.delay).toBe(retryAfterMs);
  });
});
