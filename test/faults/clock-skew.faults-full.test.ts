import { describe, expect, it } from 'vitest';
import { FaultWorld } from './world.js';

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;

describe('clock skew between us and Amazon', { timeout: 300_000 }, () => {
  for (const [label, offsetMs] of [
    ['Amazon 10 minutes ahead', 10 * MINUTE],
    ['Amazon 10 minutes behind', -10 * MINUTE],
    ['Amazon 8 days ahead', 8 * DAY],
    ['Amazon 8 days behind', -8 * DAY],
  ] as const) {
    it(`${label}: orders downloaded, a fresh order shipped at now and a cancellation sent once`, async () => {
      const world = await FaultWorld.start({ seed: 169, amazonOffsetMs: offsetMs });
      try {
        world.cursors.start();
        await world.startDaemon();
        await world.idle();
        const [shipped = '', cancelled = ''] = world.placeOrders([{}, {}, {}]);
        world.advance(5);
        await world.downloadNow();
        await world.downloadNow();
        // Placed 5 minutes ago on Amazon's clock: with Amazon ahead, in our future. Shipped at now, its ship
        // date is Amazon's now, after the purchase (docs/reliability.md, gap 2).
        const shipment = await world.shipWholeOrder(shipped, 'FAULTSKEW1');
        const purchasedAt = world.simulator.sim.store.orders.get(shipped)?.createdTime;
        expect(shipment.shipDate.getTime()).toBeGreaterThan(purchasedAt?.getTime() ?? Infinity);
        await world.cancelOrder(cancelled);
        await world.settle();
        const report = await world.check({ abandonedAfterMs: 0 });
        const store = world.simulator.sim.store.orders;
        console.log(
          JSON.stringify({
            row: label,
            violations: report.violations,
            pending: report.pending,
            shipped: store.get(shipped)?.status,
            shipDate: shipment.shipDate,
            purchaseDate: store.get(shipped)?.createdTime,
            cursor: await world.context.db.selectFrom('sync_cursors').select('position').execute(),
            cancelled: store.get(cancelled)?.status,
          }),
        );
        expect(report.violations).toEqual([]);
        expect(report.counts).toMatchObject({ orders: 3, shipments: 1, cancellations: 1 });
        const [sent] = store.get(shipped)?.packages ?? [];
        expect(sent?.shipTime).toEqual(shipment.shipDate);
      } finally {
        await world.close();
      }
    });
  }
});
