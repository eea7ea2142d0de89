import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requestBuyerCancel } from '../../src/simulator/order-actions.js';
import { FaultWorld } from './world.js';

let world: FaultWorld;

beforeAll(async () => {
  world = await FaultWorld.start({ seed: 171 });
  world.cursors.start();
});

afterAll(async () => {
  await world?.close();
});

const MINUTE = 60_000;

async function storedVersions(): Promise<Map<string, number>> {
  const rows = await world.context.db
    .selectFrom('orders')
    .select(['amazon_order_id', 'last_updated_at'])
    .where('company_id', '=', world.seller().company.id)
    .execute();
  return new Map(rows.map((row) => [row.amazon_order_id, row.last_updated_at.getTime()]));
}

describe('late-visible updates', { timeout: 180_000 }, () => {
  it("changes Amazon's search shows only 6 minutes late are downloaded by the next window's overlap", async () => {
    await world.startDaemon();
    await world.idle();
    const [known] = world.placeOrders([{}]);
    world.advance(3);
    await world.downloadNow();
    expect([...(await storedVersions()).keys()]).toEqual([known]);

    // From here on a change is found by searches 6 minutes after it was made: more than Amazon's two
    // minutes, within them plus the 5-minute overlap (ORDER_WINDOW_OVERLAP_MINUTES).
    await world.fault({ kind: 'late-visible', lagMs: 6 * MINUTE });
    const placed = world.placeOrders([{}, {}, {}, {}]);
    const knownOrder = world.simulator.sim.store.orders.get(known ?? '');
    if (knownOrder === undefined) throw new Error('the first order is not on Amazon');
    requestBuyerCancel(knownOrder, 'Order placed by mistake', world.simulator.sim.now());

    // 4.5 minutes on the window ends 2.5 minutes after the changes, which are not found yet: the next
    // window starts 5 minutes before that end, before them.
    world.advance(4.5);
    await world.downloadNow();
    const hidden = await storedVersions();
    // Searched while the changes were still hidden: the window passed over them.
    expect(hidden.size).toBe(1);
    expect(hidden.get(known ?? '')).toBeLessThan(knownOrder.lastUpdatedTime.getTime() - 1_000);

    world.advance(2);
    const caughtUpAt = performance.now();
    await world.downloadNow();
    const caughtUpMs = performance.now() - caughtUpAt;
    const stored = await storedVersions();
    expect([...stored.keys()].sort()).toEqual([known, ...placed].sort());
    // Stored to the second, as Amazon says it.
    expect(stored.get(known ?? '')).toBe(Math.floor(knownOrder.lastUpdatedTime.getTime() / 1_000) * 1_000);
    const request = await world.context.db
      .selectFrom('orders')
      .select('cancel_request_reason')
      .where('amazon_order_id', '=', known ?? '')
      .executeTakeFirstOrThrow();
    expect(request.cancel_request_reason).toBe('Order placed by mistake');
    // Before settling (which clears the fault): the download alone caught up.
    expect((await world.check()).violations).toEqual([]);

    await world.settle();
    const report = await world.check();
    expect(report.violations).toEqual([]);
    expect(report.counts.orders).toBe(5);
    console.log(JSON.stringify({ row: 'late-visible 6 min', caughtUpMs: Math.round(caughtUpMs) }));
  });
});
