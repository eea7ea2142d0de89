import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FaultWorld, until } from './world.js';

let world: FaultWorld;

beforeAll(async () => {
  world = await FaultWorld.start({ seed: 161 });
  world.cursors.start();
});

afterAll(async () => {
  await world?.close();
});

describe('kill -9 of a daemon during an order download', { timeout: 180_000 }, () => {
  it('while paging: the next daemon takes the run up once the lease lapses, nothing lost or doubled', async () => {
    const first = await world.startDaemon();
    await world.idle();
    world.placeOrders(Array.from({ length: 250 }, () => ({})));
    world.advance(5);
    // Every page takes 1.5 s to come: the run is killed between two of them.
    await world.fault({ kind: 'slow', operation: 'searchOrders', count: 10, delayMs: 1_500 });
    const killedRun = first.runNow(world.seller().company.id, 'order-download').catch(() => 'killed');
    const running = await until(async () => {
      const [run] = await world.runs('order-download');
      return run?.status === 'running' && (run.counts.pages ?? 0) >= 1 ? run : undefined;
    }, 'a download with a page committed');
    await first.kill9();
    const killedAt = performance.now();
    expect(await killedRun).toBe('killed');
    const stored = await world.context.db.selectFrom('orders').select('id').execute();
    expect(stored.length).toBeGreaterThan(0);
    expect(stored.length).toBeLessThan(250);

    world.simulator.sim.faults.clear();
    await world.startDaemon();
    // Coalesced while the dead run's lease lasts, then run.
    const resumed = await world.downloadNow();
    const recoveryMs = performance.now() - killedAt;
    const runs = await world.runs('order-download');
    expect(runs.find((run) => run.id === running.id)).toMatchObject({
      status: 'failed',
      error: 'abandoned: the process running it stopped',
    });
    expect(resumed.runId).toBeGreaterThan(running.id);
    expect(recoveryMs).toBeLessThan(30_000);

    await world.settle();
    const report = await world.check();
    expect(report.violations).toEqual([]);
    expect(report.counts.orders).toBe(250);
    console.log(JSON.stringify({ row: 'kill -9 during paging', recoveryMs: Math.round(recoveryMs) }));
  });
});
