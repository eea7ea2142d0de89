import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FaultWorld, until } from './world.js';

let world: FaultWorld;

beforeAll(async () => {
  world = await FaultWorld.start({ seed: 164 });
  world.cursors.start();
  await world.startDaemon();
  await world.idle();
});

afterAll(async () => {
  await world?.close();
});

/** The job schedulers held in the world's own Redis. */
async function schedulerKeys(): Promise<string[]> {
  return (await world.redis.keys(`${world.context.redisPrefix}:*:repeat`)).sort();
}

describe('Redis loses everything (FLUSHALL on the daemons’ own redis-server)', { timeout: 180_000 }, () => {
  it('the schedules come back from Postgres within the reconcile interval and the work goes on, once', async () => {
    const [toShip = ''] = world.placeOrders([{}, {}, {}]);
    world.advance(5);
    await world.downloadNow();
    await world.shipWholeOrder(toShip, 'FAULTREDIS1');
    const schedules = await schedulerKeys();
    expect(schedules.length).toBeGreaterThan(0);

    await world.redis.flushall();
    const flushed = performance.now();
    await until(
      async () => (await schedulerKeys()).join() === schedules.join(),
      'the schedules restored',
      30_000,
    );
    const restoredMs = performance.now() - flushed;
    world.placeOrders([{}, {}]);
    await world.settle();
    const report = await world.check();
    expect(report.violations).toEqual([]);
    expect(report.counts).toMatchObject({ orders: 5, shipments: 1 });
    expect(world.liveDaemon().alive).toBe(true);
    console.log(JSON.stringify({ row: 'redis flushall', restoredMs: Math.round(restoredMs) }));
  });
});
