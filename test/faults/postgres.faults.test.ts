import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FaultWorld, until } from './world.js';

let world: FaultWorld;

beforeAll(async () => {
  world = await FaultWorld.start({ seed: 163 });
  world.cursors.start();
  await world.startDaemon();
  await world.idle();
});

afterAll(async () => {
  await world?.close();
});

describe('Postgres connections cut under the daemon', { timeout: 180_000 }, () => {
  it('cut mid-transaction again and again during a download and an upload: runs fail or stop, the next ones finish the work', async () => {
    const [toShip = ''] = world.placeOrders(Array.from({ length: 120 }, () => ({})));
    world.advance(5);
    await world.downloadNow();
    await world.shipWholeOrder(toShip, 'FAULTPG1');
    world.placeOrders(Array.from({ length: 120 }, () => ({})));
    world.advance(5);
    await world.fault({ kind: 'slow', operation: 'searchOrders', count: 4, delayMs: 300 });
    const daemon = world.liveDaemon();
    const companyId = world.seller().company.id;
    const before = await world.lastRunId('order-download');
    await daemon.queueRun(companyId, 'order-download');
    await daemon.queueRun(companyId, 'fulfillment-upload');
    let cuts = 0;
    const deadline = Date.now() + 6_000;
    while (Date.now() < deadline) {
      cuts += world.postgresProxy.cut();
      await new Promise((resolve) => setTimeout(resolve, 150));
    }
    expect(cuts).toBeGreaterThan(0);
    expect(daemon.alive).toBe(true);
    await until(async () => (await world.lastRunId('order-download')) > before, 'a download run recorded');
    const restored = performance.now();
    await world.settle();
    const recoveryMs = performance.now() - restored;
    const report = await world.check();
    expect(report.violations).toEqual([]);
    expect(report.counts).toMatchObject({ orders: 240, shipments: 1 });
    expect(daemon.alive).toBe(true);
    expect(daemon.output()).toContain('a database connection failed');
    console.log(
      JSON.stringify({ row: 'postgres cut mid-transaction', cuts, settleMs: Math.round(recoveryMs) }),
    );
  });
});
