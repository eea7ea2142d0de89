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
    it(`${label}: orders downloaded, a cancellation (and, Amazon behind, a shipment) sent once`, async () => {
      const world = await FaultWorld.start({ seed: 169, amazonOffsetMs: offsetMs });
      try {
        world.cursors.start();
        await world.startDaemon();
        await world.idle();
        const [shipped = '', cancelled = ''] = world.placeOrders([{}, {}, {}]);
        world.advance(5);
        await world.downloadNow();
        await world.downloadNow();
        const shipping = world.shipWholeOrder(shipped, 'FAULTSKEW1');
        // Amazon ahead: the order was placed in our future, and a ship date of our now is refused
        // (docs/reliability.md, gaps); the rest must go on.
        if (offsetMs > 0) await expect(shipping).rejects.toThrow(/ship date .* is before the purchase date/);
        else await shipping;
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
            cursor: await world.context.db.selectFrom('sync_cursors').select('position').execute(),
            cancelled: store.get(cancelled)?.status,
          }),
        );
        expect(report.violations).toEqual([]);
        expect(report.counts).toMatchObject({ orders: 3, shipments: offsetMs > 0 ? 0 : 1, cancellations: 1 });
      } finally {
        await world.close();
      }
    });
  }
});
