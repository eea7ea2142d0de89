import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '../test/helpers/context.js';
import { startProcess, type RunningProcess } from '../test/helpers/process.js';
import { listRuns, type JobRun } from './jobs/job-runs.repository.js';
import { closeQueues, createQueues, enqueueManualRun, type JobQueues } from './jobs/queues.js';
import {
  placeOrders,
  simulatedSeller,
  storedOrderIds,
  type SimulatedSeller,
} from './orders/download.test-support.js';
import type { OrderCursor } from './orders/download-window.js';
import { MINUTE } from './simulator/clock.js';

/** Amazon's clock, pinned. */
const AMAZON_START = new Date('2026-11-02T10:00:00Z');
const SHUTDOWN_TIMEOUT_MS = 30_000;
/** How long the pacing wait of the stopped run would have lasted. */
const PACING_WAIT_MS = 120_000;

let context: TestContext;
let queues: JobQueues;
let seller: SimulatedSeller;
const daemons: RunningProcess[] = [];

beforeAll(async () => {
  context = await createTestContext();
  queues = createQueues(context.redis, context.redisPrefix);
  seller = await simulatedSeller(context, { startTime: AMAZON_START });
  // Our clock, in the daemons too (CLOCK_START), is the simulated marketplace's.
  context.now = () => seller.server.sim.now();
  const response = await fetch(`${seller.server.url}/_sim/rate-limits/getReports`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ rate: 5, burst: 10 }),
  });
  expect(response.status).toBeLessThan(300);
});

afterAll(async () => {
  for (const daemon of daemons) if (daemon.child.exitCode === null) daemon.child.kill('SIGKILL');
  await closeQueues(queues);
  await seller?.server.close();
  await context.cleanup();
});

function startDaemon(): RunningProcess {
  const daemon = startProcess(
    ['--import', 'tsx', 'test/fixtures/slow-job-daemon.ts', 'download'],
    context.childEnv({ SHUTDOWN_TIMEOUT_MS: String(SHUTDOWN_TIMEOUT_MS) }),
  );
  daemons.push(daemon);
  return daemon;
}

async function waitFor<T>(find: () => Promise<T | undefined>, what: string, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = await find();
    if (found !== undefined) return found;
    if (Date.now() > deadline) throw new Error(`never happened: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const downloads = () => listRuns(context.db, { companyId: seller.company.id, kind: 'order-download' });

function finishedRun(status: JobRun['status'], after: number): Promise<JobRun> {
  return waitFor(
    async () => (await downloads()).find((run) => run.id > after && run.status === status),
    `an order download ${status}`,
  );
}

async function cursor(): Promise<OrderCursor | undefined> {
  const row = await context.db
    .selectFrom('sync_cursors')
    .select('position')
    .where('company_id', '=', seller.company.id)
    .where('stream', '=', 'orders')
    .executeTakeFirst();
  return row?.position as OrderCursor | undefined;
}

/** The seller's searchOrders bucket in the daemons' rate limiter. */
async function searchOrdersBucket(): Promise<string> {
  const keys = await context.redis.keys(
    `${context.redisPrefix}:amazon:bucket:*${seller.company.sellerId}*:searchOrders}`,
  );
  expect(keys).toHaveLength(1);
  return keys[0]!;
}

/** Spends the bucket ahead, as other calls for the seller would: the next call is paced `waitMs` away. */
async function spendAhead(bucket: string, waitMs: number): Promise<number> {
  const rate = Number(await context.redis.get(bucket.replace(':bucket:', ':rate:'))) || 1;
  const [seconds, micros] = await context.redis.time();
  const now = Number(seconds) * 1000 + Math.floor(Number(micros) / 1000);
  const tokens = 1 - (waitMs / 1000) * rate * 0.98;
  await context.redis.hset(bucket, { tokens: String(tokens), ts: String(now) });
  return tokens;
}

describe('SIGTERM during a long rate-limiter pacing wait', () => {
  it('ends the run as stopped at once, exits 0, and the next run resumes from the cursor', async () => {
    const [first = ''] = placeOrders(seller, [{ fulfilledBy: 'MERCHANT', programs: [] }]);
    seller.server.sim.advance(40 * MINUTE);
    const daemon = startDaemon();
    const caughtUp = await finishedRun('succeeded', 0);
    expect(await storedOrderIds(context.db, seller.company.id)).toEqual([first]);
    const committed = await cursor();
    expect(committed?.committedUntil).toBeDefined();

    const [second = ''] = placeOrders(seller, [{ fulfilledBy: 'MERCHANT', programs: [] }]);
    seller.server.sim.advance(40 * MINUTE);
    const bucket = await searchOrdersBucket();
    const spent = await spendAhead(bucket, PACING_WAIT_MS);
    await enqueueManualRun(queues, 'order-download', seller.company.id);
    // The run has reserved its searchOrders slot: it is waiting for it.
    await waitFor(async () => {
      const tokens = Number(await context.redis.hget(bucket, 'tokens'));
      return tokens < spent - 0.5 ? tokens : undefined;
    }, 'the paced searchOrders reservation');

    const signalled = performance.now();
    daemon.child.kill('SIGTERM');
    expect(await daemon.exited).toBe(0);
    // Stopped at once, not after SHUTDOWN_TIMEOUT_MS nor after the wait.
    expect(performance.now() - signalled).toBeLessThan(SHUTDOWN_TIMEOUT_MS / 3);
    const stopped = await finishedRun('stopped', caughtUp.id);
    expect(stopped.trigger).toBe('manual');
    expect(stopped.error).toMatch(/stop/i);
    expect(await cursor()).toEqual(committed);
    expect(await storedOrderIds(context.db, seller.company.id)).toEqual([first]);

    // The next process takes the run up again from the committed cursor.
    await context.redis.del(bucket);
    const requestsBefore = seller.server.sim.store.requests.length;
    startDaemon();
    await finishedRun('succeeded', stopped.id);
    expect(await storedOrderIds(context.db, seller.company.id)).toEqual([first, second].sort());
    const searches = seller.server.sim.store.requests
      .slice(requestsBefore)
      .filter((request) => request.operation === 'searchOrders');
    expect(searches.length).toBeGreaterThan(0);
    const committedUntil = Date.parse(committed?.committedUntil ?? '');
    for (const search of searches)
      expect(Date.parse(search.query.lastUpdatedAfter ?? '')).toBeGreaterThanOrEqual(
        committedUntil - 10 * MINUTE,
      );
  }, 120_000);
});
