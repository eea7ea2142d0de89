import { spawn, type ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addTestCompany } from '../test/helpers/companies.js';
import { createTestContext, type TestContext } from '../test/helpers/context.js';
import { listRuns } from './jobs/job-runs.repository.js';
import { closeQueues, createQueues } from './jobs/queues.js';

let context: TestContext;
beforeAll(async () => {
  context = await createTestContext();
});
afterAll(async () => context.cleanup());

interface Daemon {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
}

function startSlowDaemon(jobMs: number, env: Record<string, string> = {}): Daemon {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', 'test/fixtures/slow-job-daemon.ts', String(jobMs)],
    {
      env: { ...context.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, output: () => output, exited };
}

async function waitForText(daemon: Daemon, text: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!daemon.output().includes(text)) {
    if (Date.now() > deadline) throw new Error(`daemon never printed "${text}":\n${daemon.output()}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('the daemon', () => {
  it('on SIGTERM lets the running job finish, closes everything and exits 0', async () => {
    const company = await addTestCompany(context, {
      allowOrderDownload: true,
      settlementReconciliation: false,
    });
    const daemon = startSlowDaemon(1500);
    await waitForText(daemon, 'slow job started');
    daemon.child.kill('SIGTERM');
    expect(await daemon.exited).toBe(0);
    expect(daemon.output()).toContain('slow job finished');
    expect(daemon.output()).toContain('"msg":"stopped"');
    const runs = await listRuns(context.db, { companyId: company.id, kind: 'order-download' });
    expect(runs[0]).toMatchObject({ status: 'succeeded', counts: { slept: 1500 } });
    await context.db.deleteFrom('companies').where('id', '=', company.id).execute();
  });

  it('past the shutdown timeout returns the running job to the queue and still exits 0', async () => {
    const queues = createQueues(context.redis, context.redisPrefix);
    const before = await queues['order-download'].getJobCounts('completed', 'failed');
    const company = await addTestCompany(context, {
      allowOrderDownload: true,
      settlementReconciliation: false,
    });
    const daemon = startSlowDaemon(60_000, { SHUTDOWN_TIMEOUT_MS: '300' });
    await waitForText(daemon, 'slow job started');
    daemon.child.kill('SIGTERM');
    expect(await daemon.exited).toBe(0);
    expect(daemon.output()).toContain('shutdown timeout reached');
    expect(daemon.output()).not.toContain('slow job finished');
    // Not completed and not failed: BullMQ's stall recovery hands it to the next worker.
    try {
      const counts = await queues['order-download'].getJobCounts('completed', 'failed', 'active', 'wait');
      expect(counts.completed).toBe(before.completed);
      expect(counts.failed).toBe(before.failed);
      expect((counts.active ?? 0) + (counts.wait ?? 0)).toBe(1);
    } finally {
      await closeQueues(queues);
    }
    await context.db.deleteFrom('companies').where('id', '=', company.id).execute();
  });

  it('a second signal forces the exit', async () => {
    await addTestCompany(context, { allowOrderDownload: true, settlementReconciliation: false });
    const daemon = startSlowDaemon(60_000, { SHUTDOWN_TIMEOUT_MS: '60000' });
    await waitForText(daemon, 'slow job started');
    daemon.child.kill('SIGTERM');
    await waitForText(daemon, 'stopping: waiting for running jobs');
    daemon.child.kill('SIGINT');
    expect(await daemon.exited).toBe(1);
    expect(daemon.output()).toContain('second signal: forcing exit');
  });
});
