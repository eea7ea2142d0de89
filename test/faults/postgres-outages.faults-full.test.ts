import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { FaultWorld, until } from './world.js';

let world: FaultWorld;

beforeAll(async () => {
  world = await FaultWorld.start({ seed: 168 });
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

async function readyz(): Promise<number> {
  return (await fetch(`${world.liveDaemon().adminUrl}/readyz`)).status;
}

describe(
  'Postgres outages under a real daemon (through the proxy: the shared Postgres is never restarted)',
  { timeout: 300_000 },
  () => {
    it('unreachable at start: the daemon waits naming DATABASE_URL, then starts', async () => {
      await world.postgresProxy.down();
      const daemon = await world.startDaemon({}, false);
      await daemon.waitFor(/cannot reach PostgreSQL at [^"]*\(DATABASE_URL\)[^"]*; retrying/, 60_000);
      await world.postgresProxy.up();
      const started = performance.now();
      await daemon.ready(90_000);
      console.log(
        JSON.stringify({
          row: 'postgres unreachable at start',
          readyMs: Math.round(performance.now() - started),
        }),
      );
      await world.idle();
    });

    it('a restart: every connection cut and new ones refused for 5 s during a download and an upload', async () => {
      const [toShip = ''] = world.placeOrders(Array.from({ length: 150 }, () => ({})));
      world.advance(5);
      await world.downloadNow();
      await world.shipWholeOrder(toShip, 'FAULTPGR1');
      world.placeOrders(Array.from({ length: 150 }, () => ({})));
      world.advance(5);
      await world.fault({ kind: 'slow', operation: 'searchOrders', count: 2, delayMs: 1_000 });
      const companyId = world.seller().company.id;
      await world.liveDaemon().queueRun(companyId, 'order-download');
      await world.liveDaemon().queueRun(companyId, 'fulfillment-upload');
      await new Promise((resolve) => setTimeout(resolve, 700));
      await world.postgresProxy.down();
      await until(async () => (await readyz()) === 503, '/readyz saying Postgres is gone', 30_000);
      await new Promise((resolve) => setTimeout(resolve, 5_000));
      await world.postgresProxy.up();
      const back = performance.now();
      await until(
        async () => (await world.runNow('order-download').catch(() => undefined))?.status === 'succeeded',
        'a download that succeeds',
        90_000,
      );
      const recoveryMs = performance.now() - back;
      expect(world.liveDaemon().alive).toBe(true);
      expect(await readyz()).toBe(200);
      console.log(JSON.stringify({ row: 'postgres restart', recoveryMs: Math.round(recoveryMs) }));
    });

    it('stalled: every byte held for 8 s (a network partition), then released', async () => {
      world.placeOrders([{}, {}]);
      world.advance(5);
      const run = world.runNow('order-download').catch((err: Error) => ({ status: err.message }));
      await new Promise((resolve) => setTimeout(resolve, 300));
      world.postgresProxy.stall();
      await new Promise((resolve) => setTimeout(resolve, 8_000));
      world.postgresProxy.resume();
      const outcome = await run;
      console.log(JSON.stringify({ row: 'postgres stalled', outcome }));
    });
  },
);
