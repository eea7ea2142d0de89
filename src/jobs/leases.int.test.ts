import { spawn } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addTestCompany } from '../../test/helpers/companies.js';
import { createTestContext, TEST_CLOCK_START, type TestContext } from '../../test/helpers/context.js';
import { createDb } from '../db/client.js';
import { JOB_HANDLERS } from '../wiring.js';
import type { JobContext, JobHandlers } from './handlers.js';
import { ABANDONED, closeRunsWithoutLease, insertRun, listRuns } from './job-runs.repository.js';
import { acquireLease, LeaseLost } from './leases.js';
import { closeQueues, createQueues, type JobQueues } from './queues.js';
import { runJob } from './run-job.js';

// Long enough that a loaded machine still renews it in time, short enough to wait for its lapse.
const LEASE_MS = 4_000;
let context: TestContext;
let queues: JobQueues;
beforeAll(async () => {
  context = await createTestContext({ JOB_LEASE_MS: String(LEASE_MS) });
  context.now = () => TEST_CLOCK_START;
  queues = createQueues(context.redis, context.redisPrefix);
  await sql`CREATE TABLE lease_probe (seq bigserial PRIMARY KEY, writer text NOT NULL)`.execute(context.db);
});
afterAll(async () => {
  await closeQueues(queues);
  await context.cleanup();
});

async function waitFor(probe: () => Promise<boolean>, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await sleep(25);
  }
}

async function writes(writer: string): Promise<number[]> {
  const result = await sql<{ seq: number }>`
    SELECT seq FROM lease_probe WHERE writer = ${writer} ORDER BY seq`.execute(context.db);
  return result.rows.map((row) => Number(row.seq));
}

/** A run's work: probe rows written through the run's database, two per transaction. */
async function writeProbe(job: JobContext, writer: string): Promise<void> {
  await job.db.transaction().execute(async (tx) => {
    await sql`INSERT INTO lease_probe (writer) VALUES (${writer})`.execute(tx);
    await sleep(10);
    await sql`INSERT INTO lease_probe (writer) VALUES (${writer})`.execute(tx);
  });
}

function orderDownloadOnly(handler: JobHandlers['order-download']): JobHandlers {
  return { ...JOB_HANDLERS, 'order-download': handler };
}

describe('one run per (company, kind)', () => {
  it('a cut connection does not free the lease, and a run whose lease lapsed never writes after its successor', async () => {
    const company = await addTestCompany(context, { allowOrderDownload: true });
    const request = { kind: 'order-download' as const, companyId: company.id, trigger: 'schedule' as const };
    // Run A has a pool of its own, so that its connections alone can be cut.
    const dbA = createDb(context.databaseUrl, 5, () => undefined, { applicationName: 'lease-run-a' });
    const errorsOfA: Error[] = [];
    let stopA = false;
    // A ignores its signal on purpose: only the fence keeps it from writing.
    const runA = runJob(
      { ...context, db: dbA },
      queues,
      orderDownloadOnly(async (job) => {
        while (!stopA) {
          await writeProbe(job, 'A').catch((err: Error) => errorsOfA.push(err));
          await sleep(20);
        }
        return { status: 'succeeded', counts: { pages: 1 } };
      }),
      request,
    );
    try {
      await waitFor(async () => (await writes('A')).length >= 6);
      const cut = await sql`
        SELECT pg_terminate_backend(pid) FROM pg_stat_activity
         WHERE datname = ${context.databaseName} AND application_name = 'lease-run-a'`.execute(context.db);
      expect(cut.rows.length).toBeGreaterThan(0);
      const afterCut = (await writes('A')).length;
      await waitFor(async () => (await writes('A')).length >= afterCut + 6);

      // The lease outlived the cut connections: a second run now is coalesced.
      const runB = orderDownloadOnly(async (job) => {
        for (let i = 0; i < 3; i++) await writeProbe(job, 'B');
        return { status: 'succeeded', counts: { pages: 3 } };
      });
      const coalesced = await runJob(context, queues, runB, request);
      expect(coalesced).toMatchObject({ status: 'skipped', reason: expect.stringMatching(/^coalesced/) });

      // As when A's renewals could not reach Postgres for the lease's whole length: B takes over.
      await context.db
        .updateTable('job_leases')
        .set({ expires_at: sql<Date>`now()` })
        .where('company_id', '=', company.id)
        .where('kind', '=', 'order-download')
        .execute();
      expect((await runJob(context, queues, runB, request)).status).toBe('succeeded');
      const failuresBefore = errorsOfA.filter((err) => err instanceof LeaseLost).length;
      await waitFor(async () => errorsOfA.filter((err) => err instanceof LeaseLost).length > failuresBefore);
    } finally {
      stopA = true;
    }
    const outcomeA = await runA;
    await dbA.destroy();
    expect(outcomeA).toMatchObject({ status: 'stopped', reason: expect.stringMatching(/^lease lost/) });
    const [a, b] = [await writes('A'), await writes('B')];
    expect(b).toHaveLength(6);
    expect(Math.max(...a)).toBeLessThan(Math.min(...b));
    // Each of A's transactions landed whole or not at all.
    expect(a.length % 2).toBe(0);
  });

  it("a killed process's lease lapses and the next run proceeds", async () => {
    const company = await addTestCompany(context, { allowOrderDownload: true });
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', 'test/fixtures/slow-job-daemon.ts', 'slow', '60000'],
      { env: context.childEnv({ JOB_LEASE_MS: String(LEASE_MS) }), stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const exited = new Promise((resolve) => child.on('exit', resolve));
    // The daemon also runs the earlier test's company: wait for this company's run.
    const started = (line: string) =>
      line.includes('slow job started') && line.includes(`"companyId":${company.id},`);
    await waitFor(async () => output.split('\n').some(started), 40_000);
    child.kill('SIGKILL');
    await exited;
    const killedAt = performance.now();

    const request = { kind: 'order-download' as const, companyId: company.id, trigger: 'manual' as const };
    const next = orderDownloadOnly(async () => ({ status: 'succeeded', counts: { pages: 1 } }));
    expect((await runJob(context, queues, next, request)).status).toBe('skipped');
    let outcome = await runJob(context, queues, next, request);
    while (outcome.status === 'skipped') {
      await sleep(100);
      outcome = await runJob(context, queues, next, request);
    }
    expect(outcome.status).toBe('succeeded');
    // Taken up once the lease lapsed: within its length (plus a loaded machine's slack) of the kill.
    expect(performance.now() - killedAt).toBeLessThan(LEASE_MS + 5_000);
    const runs = await listRuns(context.db, { companyId: company.id, kind: 'order-download', limit: 100 });
    expect(runs[0]?.status).toBe('succeeded');
    expect(runs.filter((run) => run.error === 'abandoned: the process running it stopped')).toHaveLength(1);
  });
});

describe('runs left without their lease', () => {
  it('are closed as abandoned whatever their kind; a run whose lease is held is left alone', async () => {
    const company = await addTestCompany(context);
    const dead = { companyId: company.id, kind: 'fulfillment-upload' as const, trigger: 'manual' as const };
    const live = { ...dead, kind: 'refund-upload' as const };
    expect(await acquireLease(context.db, dead, 'gone/1', 1)).not.toBeNull();
    expect(await acquireLease(context.db, live, 'here/1', 60_000)).not.toBeNull();
    const deadRun = await insertRun(context.db, dead, 'running');
    const liveRun = await insertRun(context.db, live, 'running');
    // Never renewed: the first lease lapses.
    await sleep(50);

    // The earlier tests' runs left without a lease are closed too.
    expect(await closeRunsWithoutLease(context.db)).toBeGreaterThanOrEqual(1);
    const runs = await listRuns(context.db, { companyId: company.id });
    expect(runs.find((run) => run.id === deadRun.id)).toMatchObject({ status: 'failed', error: ABANDONED });
    expect(runs.find((run) => run.id === liveRun.id)).toMatchObject({ status: 'running', error: null });
  });
});
