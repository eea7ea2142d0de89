import { Queue, Worker } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { listCompanies, updateCompany } from '../companies/companies.service.js';
import { addTestCompany } from '../../test/helpers/companies.js';
import { createTestContext, deleteRedisKeys, type TestContext } from '../../test/helpers/context.js';
import { closeRedis, createRedis } from '../shared/redis.js';
import { closeQueues, createQueues, type JobQueues } from './queues.js';
import {
  listSchedules,
  reconcileAllSchedules,
  reconcileCompanySchedules,
  removeCompanySchedules,
  removeRetiredQueues,
  schedulerId,
} from './schedules.js';

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

async function schedulesOf(companyId: number) {
  return (await listSchedules(queues))
    .filter((schedule) => schedule.companyId === companyId)
    .map(({ kind, everyMinutes }) => `${kind}/${everyMinutes}`)
    .sort();
}

/** Jobs of (kind, company) queued outside its scheduler: a new schedule's first run. */
async function firstRunsOf(companyId: number, kind: 'order-download' | 'refund-upload') {
  const jobs = await queues[kind].getJobs(['waiting', 'delayed', 'prioritized']);
  return jobs.filter((job) => job.data.companyId === companyId && !job.repeatJobKey);
}

describe('a new schedule runs at once', () => {
  it('queues one run when a schedule is made, none when an existing one is reconciled again', async () => {
    const company = await addTestCompany(context);
    await reconcileCompanySchedules(queues, company);
    expect(await firstRunsOf(company.id, 'refund-upload')).toHaveLength(1);
    expect(await firstRunsOf(company.id, 'order-download')).toHaveLength(0);
    await reconcileCompanySchedules(queues, company);
    expect(await firstRunsOf(company.id, 'refund-upload')).toHaveLength(1);
  });

  it('lets runs that come due meanwhile go first, so that many new schedules do not delay them', async () => {
    const queue = new Queue('first-run-order', { connection: context.redis, prefix: context.redisPrefix });
    const own = { ...queues, 'refund-upload': queue } as JobQueues;
    const fresh = [await addTestCompany(context), await addTestCompany(context)];
    for (const company of fresh) await reconcileCompanySchedules(own, company);
    // A scheduled run coming due now, as BullMQ's scheduler queues it: no priority.
    await queue.add('refund-upload', { companyId: 999_999, trigger: 'schedule' });
    const taken: number[] = [];
    const connection = createRedis(context.config.redis);
    const worker = new Worker(
      queue.name,
      async (job: { data: { companyId: number } }) => {
        taken.push(job.data.companyId);
      },
      { connection, prefix: context.redisPrefix },
    );
    try {
      await vi.waitFor(() => expect(taken).toHaveLength(3), { timeout: 10_000 });
      expect(taken[0]).toBe(999_999);
      expect(taken.slice(1).sort()).toEqual(fresh.map((company) => company.id).sort());
    } finally {
      await worker.close();
      await queue.obliterate({ force: true });
      await queue.close();
      await closeRedis(connection);
    }
  });
});

describe('schedules derived from company toggles', () => {
  it('creates a schedule when a toggle is turned on and removes it when turned off', async () => {
    const company = await addTestCompany(context);
    await reconcileCompanySchedules(queues, company);
    // Cancellations and refunds go whatever the toggles say; their uploads are scheduled as a safety net.
    expect(await schedulesOf(company.id)).toEqual([
      'buyer-data-retention/1440',
      'cancellation-upload/30',
      'refund-upload/30',
    ]);

    const on = await updateCompany(context.db, context.config.keyring, company.id, {
      allowOrderDownload: true,
      allowFulfillmentUpload: true,
      uploadIntervalMinutes: 10,
    });
    await reconcileCompanySchedules(queues, on);
    expect(await schedulesOf(company.id)).toEqual([
      'buyer-data-retention/1440',
      'cancellation-upload/10',
      'fulfillment-upload/10',
      'order-download/30',
      'refund-upload/10',
    ]);
    const next = (await listSchedules(queues)).find(
      (s) => s.companyId === company.id && s.kind === 'order-download',
    );
    expect(next?.next).toBeInstanceOf(Date);

    const off = await updateCompany(context.db, context.config.keyring, company.id, {
      allowOrderDownload: false,
    });
    await reconcileCompanySchedules(queues, off);
    expect(await schedulesOf(company.id)).toEqual([
      'buyer-data-retention/1440',
      'cancellation-upload/10',
      'fulfillment-upload/10',
      'refund-upload/10',
    ]);

    await removeCompanySchedules(queues, company.id);
    expect(await schedulesOf(company.id)).toEqual([]);
  });

  it('pauses every schedule of a company that needs reauthorization', async () => {
    const company = await addTestCompany(context, { allowOrderDownload: true });
    await reconcileCompanySchedules(queues, { ...company, authStatus: 'needs_reauthorization' });
    expect(await schedulesOf(company.id)).toEqual([]);
  });

  it('restores every schedule after Redis loses its data, and drops schedules of removed companies', async () => {
    const a = await addTestCompany(context, { allowOrderDownload: true, allowFulfillmentUpload: true });
    const b = await addTestCompany(context, { allowOrderDownload: true, downloadIntervalMinutes: 5 });
    await reconcileAllSchedules(queues, await listCompanies(context.db), context.logger);
    const before = (await listSchedules(queues)).map(({ kind, companyId, everyMinutes }) => ({
      kind,
      companyId,
      everyMinutes,
    }));

    // Every key of this test's Redis namespace gone, as after FLUSHALL or a Redis without persistence.
    await deleteRedisKeys(context.redis, context.redisPrefix);
    expect(await listSchedules(queues)).toEqual([]);

    await reconcileAllSchedules(queues, await listCompanies(context.db), context.logger);
    const after = (await listSchedules(queues)).map(({ kind, companyId, everyMinutes }) => ({
      kind,
      companyId,
      everyMinutes,
    }));
    expect(after).toEqual(expect.arrayContaining(before));
    expect(after).toHaveLength(before.length);
    expect(await schedulesOf(b.id)).toContain('order-download/5');

    // A schedule whose company no longer exists (removed by another process) is dropped.
    await context.db.deleteFrom('companies').where('id', '=', a.id).execute();
    const changes = await reconcileAllSchedules(queues, await listCompanies(context.db), context.logger);
    expect(changes.removed).toBe(5);
    expect(await schedulesOf(a.id)).toEqual([]);
  });

  it('schedules no kind that has no work yet, and removes what such a kind left in Redis', async () => {
    const WITHDRAWN_KIND = 'withdrawn-kind';
    const company = await addTestCompany(context, { allowOrderDownload: true });
    const retired = new Queue(WITHDRAWN_KIND, {
      connection: context.redis,
      prefix: context.redisPrefix,
    });
    try {
      await retired.upsertJobScheduler(schedulerId(company.id), { every: 360 * 60_000 });
      await retired.add(WITHDRAWN_KIND, { companyId: company.id, trigger: 'manual' });
      await reconcileCompanySchedules(queues, company);
      expect(await schedulesOf(company.id)).toEqual([
        'buyer-data-retention/1440',
        'cancellation-upload/30',
        'order-download/30',
        'refund-upload/30',
      ]);

      await removeRetiredQueues(context.redis, context.redisPrefix, [WITHDRAWN_KIND]);
      expect(await retired.getJobSchedulers()).toEqual([]);
      expect(await retired.getJobCounts('wait', 'delayed')).toEqual({ wait: 0, delayed: 0 });
    } finally {
      await retired.close();
    }
  });
});
