import { spawn, type ChildProcess } from 'node:child_process';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addTestCompany } from '../test/helpers/companies.js';
import { createTestContext, TEST_CLOCK_START, type TestContext } from '../test/helpers/context.js';
import { listRuns } from './jobs/job-runs.repository.js';
import { closeQueues, createQueues, enqueueManualRun, type JobQueues } from './jobs/queues.js';

let context: TestContext;
let queues: JobQueues;
beforeAll(async () => {
  context = await createTestContext();
  context.now = () => TEST_CLOCK_START;
  queues = createQueues(context.redis, context.redisPrefix);
});
afterAll(async () => {
  await closeQueues(queues);
  await context.cleanup();
});

interface Daemon {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
}

function startDaemon(mode: string, argument: string, env: Record<string, string> = {}): Daemon {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', 'test/fixtures/slow-job-daemon.ts', mode, argument],
    { env: context.childEnv(env), stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, output: () => output, exited };
}

function count(text: string, part: string): number {
  return text.split(part).length - 1;
}

async function waitForText(daemon: Daemon, text: string, times = 1, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (count(daemon.output(), text) < times) {
    if (Date.now() > deadline) throw new Error(`daemon never printed "${text}":\n${daemon.output()}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Signals the daemon and measures how long it takes to exit. */
async function stopDaemon(daemon: Daemon): Promise<{ code: number | null; ms: number }> {
  const started = performance.now();
  daemon.child.kill('SIGTERM');
  const code = await daemon.exited;
  return { code, ms: performance.now() - started };
}

async function removeCompany(id: number): Promise<void> {
  await context.db.deleteFrom('companies').where('id', '=', id).execute();
}

/** What a crashed or confused shutdown prints: BullMQ or ioredis working on connections already closed. */
const CLOSED_CONNECTION_ERRORS = /Connection is closed|Unhandled|unhandled|ERR_UNHANDLED/;

describe('the daemon', () => {
  it('on SIGTERM waits for a running job that finishes despite being told to stop, records how it ended and exits 0', async () => {
    const company = await addTestCompany(context, { allowOrderDownload: true });
    const daemon = startDaemon('slow', '1500');
    await waitForText(daemon, 'slow job started');
    expect((await stopDaemon(daemon)).code).toBe(0);
    expect(daemon.output()).toContain('slow job finished');
    expect(daemon.output()).toContain('"msg":"stopped"');
    const runs = await listRuns(context.db, { companyId: company.id, kind: 'order-download' });
    expect(runs[0]).toMatchObject({ status: 'succeeded', counts: { pages: 1 } });
    await removeCompany(company.id);
  });

  it('on SIGTERM tells the job to stop at once, waits while it still uses Postgres and Redis, then closes', async () => {
    const before = await queues['order-download'].getJobCounts('completed', 'failed');
    const company = await addTestCompany(context, { allowOrderDownload: true });
    const daemon = startDaemon('stubborn', '1500', { SHUTDOWN_TIMEOUT_MS: '30000' });
    await waitForText(daemon, 'slow job started');
    const { code, ms } = await stopDaemon(daemon);
    expect(code).toBe(0);
    // Told to stop at once, not after SHUTDOWN_TIMEOUT_MS: 1.5 s of work after the abort, then closing.
    expect(ms).toBeLessThan(10_000);
    expect(daemon.output()).toContain('slow job told to stop; still working');
    expect(daemon.output()).toContain('slow job finished');
    expect(daemon.output()).not.toMatch(CLOSED_CONNECTION_ERRORS);
    const [run] = await listRuns(context.db, { companyId: company.id, kind: 'order-download' });
    expect(run).toMatchObject({ status: 'stopped', error: 'stopped for shutdown' });
    expect(run?.counts.pages).toBeGreaterThan(0);
    const counts = await queues['order-download'].getJobCounts('completed', 'failed', 'delayed');
    expect(counts.completed).toBe((before.completed ?? 0) + 1);
    expect(counts.failed).toBe(before.failed);
    // Stopped for shutdown, the run is queued again for whichever process is up next.
    expect(counts.delayed).toBeGreaterThanOrEqual(1);
    await removeCompany(company.id);
  });

  it('exits by the stop deadline when a job never stops, leaving it to stall recovery', async () => {
    const company = await addTestCompany(context, { allowOrderDownload: true });
    const daemon = startDaemon('stubborn', 'forever', { SHUTDOWN_TIMEOUT_MS: '2000' });
    await waitForText(daemon, 'slow job started');
    const { code, ms } = await stopDaemon(daemon);
    expect(code).toBe(1);
    expect(ms).toBeLessThan(2_000 + 5_000);
    expect(daemon.output()).toContain('slow job told to stop; still working');
    expect(daemon.output()).toContain('stop deadline passed');
    expect(daemon.output()).toContain('"waitingFor":"jobs to settle: 1 running"');
    expect(daemon.output()).not.toMatch(CLOSED_CONNECTION_ERRORS);
    // Neither completed nor failed: still active, for BullMQ's stall recovery to hand to another worker.
    const active = await queues['order-download'].getJobs(['active']);
    expect(active.filter((job) => job.data.companyId === company.id)).toHaveLength(1);
    const [run] = await listRuns(context.db, { companyId: company.id, kind: 'order-download' });
    expect(run?.status).toBe('running');
    await removeCompany(company.id);
  });

  it('a second signal forces the exit', async () => {
    const company = await addTestCompany(context, { allowOrderDownload: true });
    const daemon = startDaemon('slow', '60000', { SHUTDOWN_TIMEOUT_MS: '60000' });
    await waitForText(daemon, 'slow job started');
    daemon.child.kill('SIGTERM');
    await waitForText(daemon, 'stopping: running jobs are told to stop');
    daemon.child.kill('SIGINT');
    expect(await daemon.exited).toBe(1);
    expect(daemon.output()).toContain('second signal: forcing exit');
    await removeCompany(company.id);
  });

  it('survives its Postgres connections being cut mid-run: the run fails, the next one runs', async () => {
    const company = await addTestCompany(context, { allowOrderDownload: true });
    const daemon = startDaemon('hold-transaction', '', { SHUTDOWN_TIMEOUT_MS: '2000' });
    await waitForText(daemon, '"msg":"transaction open"', 2);
    const cut = await sql<{ pid: number }>`
      SELECT pg_terminate_backend(pid) AS pid FROM pg_stat_activity
       WHERE datname = ${context.databaseName} AND application_name = 'sellersync'`.execute(context.db);
    expect(cut.rows.length).toBeGreaterThan(0);
    await waitForText(daemon, '"msg":"run failed"');
    expect(daemon.output()).toContain('a database connection failed');

    await enqueueManualRun(queues, 'order-download', company.id);
    await waitForText(daemon, 'slow job started', 2);
    await waitForText(daemon, '"msg":"transaction open"', 3);
    expect(daemon.child.exitCode).toBeNull();
    const { code } = await stopDaemon(daemon);
    expect(code).toBe(0);
    const runs = await listRuns(context.db, { companyId: company.id, kind: 'order-download' });
    expect(runs.map((run) => run.status)).toEqual(['stopped', 'failed']);
    expect(runs[1]?.error).toMatch(/terminat|connection/i);
    await removeCompany(company.id);
  });
});
