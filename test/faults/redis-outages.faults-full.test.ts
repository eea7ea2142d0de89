import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { JobRun } from '../../src/jobs/job-runs.repository.js';
import { FaultWorld, until } from './world.js';

let world: FaultWorld;
let tracking = 200;

beforeAll(async () => {
  world = await FaultWorld.start({ seed: 167 });
  world.cursors.start();
});

afterAll(async () => {
  await world?.close();
});

afterEach(async () => {
  await world.settle();
  const report = await world.check({ abandonedAfterMs: 0 });
  expect(report.violations).toEqual([]);
});

/** Orders to download and a shipment to send, the faults to come while they are worked on. */
async function someWork(): Promise<void> {
  const [toShip = ''] = world.placeOrders([{}, {}]);
  world.advance(5);
  await world.downloadNow();
  await world.shipWholeOrder(toShip, `FAULTRD${tracking++}`);
  world.placeOrders([{}]);
  world.advance(5);
}

/** Until an order download run through the daemon succeeds; how long that took. */
async function untilADownloadSucceeds(): Promise<number> {
  const started = performance.now();
  await until(
    async () => (await world.runNow('order-download').catch(() => undefined))?.status === 'succeeded',
    'a download that succeeds',
    90_000,
  );
  return performance.now() - started;
}

describe('Redis faults under a real daemon (its own redis-server)', { timeout: 300_000 }, () => {
  it('unreachable at start: the daemon waits, then starts when Redis comes', async () => {
    await world.redisServer.stop();
    const daemon = await world.startDaemon({}, false);
    await daemon.waitFor(/cannot reach Redis at [^"]*\(REDIS_URL\); retrying/, 60_000);
    await world.redisServer.start();
    const started = performance.now();
    await daemon.ready(90_000);
    const readyMs = performance.now() - started;
    await world.idle();
    console.log(JSON.stringify({ row: 'redis unreachable at start', readyMs: Math.round(readyMs) }));
  });

  it('restart (its data gone with it) in the middle of the work', async () => {
    await someWork();
    await world.fault({ kind: 'slow', operation: 'searchOrders', count: 2, delayMs: 2_000 });
    await world.liveDaemon().queueRun(world.seller().company.id, 'order-download');
    await world.liveDaemon().queueRun(world.seller().company.id, 'fulfillment-upload');
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    await world.redisServer.stop();
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    await world.redisServer.start();
    const recoveryMs = await untilADownloadSucceeds();
    expect(world.liveDaemon().alive).toBe(true);
    console.log(JSON.stringify({ row: 'redis restart', recoveryMs: Math.round(recoveryMs) }));
  });

  it('every connection reset (CLIENT KILL) during a download', async () => {
    await someWork();
    await world.fault({ kind: 'slow', operation: 'searchOrders', count: 2, delayMs: 2_000 });
    await world.liveDaemon().queueRun(world.seller().company.id, 'order-download');
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    const killed = await world.redis.client('KILL', 'TYPE', 'normal');
    const recoveryMs = await untilADownloadSucceeds();
    expect(Number(killed)).toBeGreaterThan(0);
    console.log(
      JSON.stringify({ row: 'redis connection reset', killed, recoveryMs: Math.round(recoveryMs) }),
    );
  });

  it('maxmemory reached (noeviction): writes refused, the daemon stays up, the work resumes once there is room', async () => {
    await someWork();
    const companyId = world.seller().company.id;
    const used = Number(/used_memory:(\d+)/.exec(await world.redis.info('memory'))?.[1] ?? 0);
    await world.redis.config('SET', 'maxmemory', String(used + 2_000_000));
    const filler = 'x'.repeat(100_000);
    for (let i = 0; i < 100; i++) {
      const ok = await world.redis.set(`fault-filler:${i}`, filler).catch(() => undefined);
      if (!ok) break;
    }
    // The last value refused may leave a few kilobytes free; below what is used, every write is refused.
    const full = Number(/used_memory:(\d+)/.exec(await world.redis.info('memory'))?.[1] ?? 0);
    await world.redis.config('SET', 'maxmemory', String(full - 100_000));
    const refused = await world.runNow('order-download');
    const queued = await world.liveDaemon().api('POST', `/api/companies/${companyId}/runs`, {
      kind: 'order-download',
      queue: true,
    });
    // Long enough for a schedule reconciliation (every 5 s here) and every idle worker's fetch to be refused.
    await new Promise((resolve) => setTimeout(resolve, 6_000));
    const logged = world
      .liveDaemon()
      .output()
      .match(/OOM[^"]*/)?.[0];
    console.log(JSON.stringify({ row: 'redis maxmemory', refused, queued: queued.status, logged }));
    expect(world.liveDaemon().alive).toBe(true);
    expect(refused).toMatchObject({
      status: 'failed',
      reason: expect.stringMatching(/^amazon rate limiter: .*OOM/),
    });
    expect(queued).toEqual({
      status: 503,
      body: { error: 'Redis cannot be reached; try again', code: 'unavailable' },
    });
    const workerErrors = world
      .liveDaemon()
      .logLines()
      .filter(
        (line) => line.queue !== undefined && Number(line.level) >= 50 && /OOM/.test(JSON.stringify(line)),
      );
    expect(workerErrors).toEqual([]);

    const freed = performance.now();
    await world.redis.config('SET', 'maxmemory', '0');
    await world.redis.del(...Array.from({ length: 100 }, (_, i) => `fault-filler:${i}`));
    const { jobId } = await until(async () => {
      const answer = await world
        .liveDaemon()
        .api<{ jobId: string }>('POST', `/api/companies/${companyId}/runs`, {
          kind: 'order-download',
          queue: true,
        });
      return answer.status === 202 && answer.body;
    }, 'a download queued');
    await until(
      async () => {
        const page = await world
          .liveDaemon()
          .api<{ items: JobRun[] }>('GET', `/api/runs?company=${companyId}&kind=order-download&limit=5`);
        return page.body.items.some((run) => run.queueJobId === jobId && run.status === 'succeeded');
      },
      'the queued download worked by a worker',
      90_000,
    );
    const workerRecoveryMs = performance.now() - freed;
    await untilADownloadSucceeds();
    const recoveryMs = performance.now() - freed;
    console.log(
      JSON.stringify({
        row: 'redis maxmemory recovered',
        workerRecoveryMs: Math.round(workerRecoveryMs),
        recoveryMs: Math.round(recoveryMs),
      }),
    );
    expect(workerRecoveryMs).toBeLessThan(10_000);
    expect(recoveryMs).toBeLessThan(10_000);
  });
});
