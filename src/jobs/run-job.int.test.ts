import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { updateCompany } from '../companies/companies.service.js';
import { addTestCompany } from '../../test/helpers/companies.js';
import { createTestContext, type TestContext } from '../../test/helpers/context.js';
import { createRedis } from '../shared/redis.js';
import { JOB_HANDLERS } from '../wiring.js';
import type { JobContext, JobHandlers } from './handlers.js';
import { listRuns } from './job-runs.repository.js';
import { closeQueues, createQueues, enqueueManualRun, type JobQueues } from './queues.js';
import { runJob } from './run-job.js';
import { reconcileCompanySchedules } from './schedules.js';
import { startWorkers } from './workers.js';

let context: TestContext;
let queues: JobQueues;
beforeAll(async () => {
  context = await createTestContext();
  queues = createQueues(context.redis, context.redisPrefix);
});
afterAll(async () => {
  await closeQueues(queues);
  await context.cleanup();
});

/** Handlers that record which (kind, company) ran, optionally waiting on a gate first. */
function recordingHandlers(calls: string[], gate?: Promise<void>): JobHandlers {
  const record = async (job: JobContext) => {
    calls.push(`${job.kind}:${job.company.id}:${job.trigger}`);
    await gate;
    return { status: 'succeeded' as const, counts: { seen: 1 } };
  };
  return Object.fromEntries(
    Object.keys(JOB_HANDLERS).map((kind) => [kind, record]),
  ) as unknown as JobHandlers;
}

async function waitFor<T>(probe: () => Promise<T | undefined>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('runJob', () => {
  it('records a successful run with its counts', async () => {
    const company = await addTestCompany(context, { allowOrderDownload: true });
    const calls: string[] = [];
    const outcome = await runJob(context, queues, recordingHandlers(calls), {
      kind: 'order-download',
      companyId: company.id,
      trigger: 'manual',
    });
    expect(outcome.status).toBe('succeeded');
    expect(calls).toEqual([`order-download:${company.id}:manual`]);
    const [run] = await listRuns(context.db, { companyId: company.id });
    expect(run).toMatchObject({
      kind: 'order-download',
      trigger: 'manual',
      status: 'succeeded',
      counts: { seen: 1 },
    });
    expect(run?.finishedAt).toBeInstanceOf(Date);
  });

  it('runs one (company, kind) at a time: a second trigger while one runs is coalesced', async () => {
    const company = await addTestCompany(context, { allowOrderDownload: true });
    const calls: string[] = [];
    let open!: () => void;
    const gate = new Promise<void>((resolve) => (open = resolve));
    const handlers = recordingHandlers(calls, gate);
    const request = { kind: 'order-download' as const, companyId: company.id };
    const first = runJob(context, queues, handlers, { ...request, trigger: 'schedule' });
    await waitFor(async () => (calls.length === 1 ? true : undefined));
    const second = await runJob(context, queues, handlers, { ...request, trigger: 'manual' });
    open();
    expect((await first).status).toBe('succeeded');
    expect(second).toMatchObject({ status: 'skipped', reason: expect.stringMatching(/^coalesced/) });
    expect(calls).toHaveLength(1);
    // Another kind for the same company is not blocked.
    const other = await runJob(context, queues, recordingHandlers(calls), {
      kind: 'buyer-data-retention',
      companyId: company.id,
      trigger: 'manual',
    });
    expect(other.status).toBe('succeeded');
  });

  it('ends without calling the handler when the toggle is off', async () => {
    const company = await addTestCompany(context, { allowFulfillmentUpload: false });
    const calls: string[] = [];
    const outcome = await runJob(context, queues, recordingHandlers(calls), {
      kind: 'fulfillment-upload',
      companyId: company.id,
      trigger: 'schedule',
    });
    expect(outcome).toMatchObject({
      status: 'skipped',
      reason: `allow_fulfillment_upload is off for company ${company.id}`,
    });
    expect(calls).toEqual([]);
  });

  it('records a failure with its error and closes runs abandoned by a dead process', async () => {
    const company = await addTestCompany(context, { allowOrderDownload: true });
    await context.db
      .insertInto('job_runs')
      .values({ company_id: company.id, kind: 'order-download', trigger: 'schedule', status: 'running' })
      .execute();
    const failing = { ...JOB_HANDLERS, 'order-download': () => Promise.reject(new Error('Amazon said no')) };
    const outcome = await runJob(context, queues, failing, {
      kind: 'order-download',
      companyId: company.id,
      trigger: 'manual',
    });
    expect(outcome.status).toBe('failed');
    const runs = await listRuns(context.db, { companyId: company.id });
    expect(runs.map((run) => [run.status, run.error])).toEqual([
      ['failed', 'Amazon said no'],
      ['failed', 'abandoned: the process running it stopped'],
    ]);
  });
});

describe('toggle → schedule → worker → job_runs', () => {
  it('runs scheduled and manual jobs through the worker, one at a time per company and kind', async () => {
    const company = await addTestCompany(context, { allowOrderDownload: true });
    const calls: string[] = [];
    const connection = createRedis(context.config.redisUrl);
    const workers = startWorkers(context, queues, connection, recordingHandlers(calls));
    try {
      await reconcileCompanySchedules(queues, company);
      const scheduled = await waitFor(async () =>
        (await listRuns(context.db, { companyId: company.id, kind: 'order-download' })).find(
          (run) => run.trigger === 'schedule' && run.finishedAt !== null,
        ),
      );
      expect(scheduled).toMatchObject({ kind: 'order-download', status: 'succeeded' });
      expect(scheduled.queueJobId).toBeTruthy();

      await enqueueManualRun(queues, 'order-download', company.id);
      const manual = await waitFor(async () =>
        (await listRuns(context.db, { companyId: company.id, kind: 'order-download' })).find(
          (run) => run.trigger === 'manual' && run.finishedAt !== null,
        ),
      );
      expect(manual.status).toBe('succeeded');

      // Turned off: a job already queued finds the toggle off and ends without running the handler.
      const off = await updateCompany(context.db, context.config.keyring, company.id, {
        allowOrderDownload: false,
      });
      const callsBefore = calls.length;
      await enqueueManualRun(queues, 'order-download', company.id);
      await reconcileCompanySchedules(queues, off);
      const skipped = await waitFor(async () =>
        (await listRuns(context.db, { companyId: company.id, kind: 'order-download' })).find(
          (run) => run.status === 'skipped',
        ),
      );
      expect(skipped.error).toBe(`allow_order_download is off for company ${company.id}`);
      expect(calls.length).toBe(callsBefore);
    } finally {
      await workers.close();
      await connection.quit();
    }
  });
});
