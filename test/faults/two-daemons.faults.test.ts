import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FaultWorld } from './world.js';

let world: FaultWorld;

beforeAll(async () => {
  world = await FaultWorld.start({ seed: 162, sellers: 2 });
  world.cursors.start();
  await world.startDaemon();
  await world.startDaemon();
  await world.idle();
});

afterAll(async () => {
  await world?.close();
});

describe('two daemons on the same companies', { timeout: 180_000 }, () => {
  it('three manual runs at once: one runs, the others are coalesced, no two overlap', async () => {
    world.placeOrders(Array.from({ length: 30 }, () => ({})));
    world.advance(5);
    const [one, two] = world.daemons;
    const companyId = world.seller().company.id;
    const outcomes = await Promise.all([
      one!.runNow(companyId, 'order-download'),
      two!.runNow(companyId, 'order-download'),
      one!.runNow(companyId, 'order-download'),
    ]);
    const statuses = outcomes.map((outcome) => outcome.status).sort();
    expect(statuses.filter((status) => status === 'succeeded').length).toBeGreaterThanOrEqual(1);
    for (const outcome of outcomes.filter((o) => o.status === 'skipped'))
      expect(outcome.reason).toMatch(/^coalesced/);
    const report = await world.check({ abandonedAfterMs: 0 });
    expect(report.violations.filter((v) => v.invariant === 'runs')).toEqual([]);
  });

  it('both working the same companies for a while, shipments and cancellations among the downloads: each once', async () => {
    const ids = [0, 1].map((seller) => world.placeOrders([{}, {}, {}], seller));
    world.advance(5);
    for (const seller of [0, 1]) await world.downloadNow(seller);
    const kinds = ['order-download', 'fulfillment-upload', 'cancellation-upload', 'feed-follow-up'] as const;
    let tracking = 1_000;
    for (let round = 0; round < 6; round++) {
      const seller = round % 2;
      const orderId = ids[seller]![Math.floor(round / 2)]!;
      if (round % 3 === 2) await world.cancelOrder(orderId, seller);
      else await world.shipWholeOrder(orderId, `FAULT${tracking++}`, seller);
      world.placeOrders([{}], seller);
      world.advance(4);
      await Promise.all(
        world.daemons.flatMap((daemon) =>
          kinds.map((kind) => daemon.queueRun(world.seller(seller).company.id, kind)),
        ),
      );
      await new Promise((resolve) => setTimeout(resolve, 1_000));
    }
    await world.settle();
    const report = await world.check();
    expect(report.violations).toEqual([]);
    expect(report.counts).toMatchObject({ shipments: 4, cancellations: 2 });
    expect(report.pending).toEqual({ shipments: 0, cancellations: 0, refunds: 0 });
  });
});
