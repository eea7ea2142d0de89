import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listCancellations } from '../../src/cancellations/cancellations.repository.js';
import { FaultWorld } from './world.js';

let world: FaultWorld;

beforeAll(async () => {
  world = await FaultWorld.start({ seed: 174 });
  world.cursors.start();
  await world.startDaemon();
});

afterAll(async () => {
  await world?.close();
});

describe('a partial feed processing report', { timeout: 180_000 }, () => {
  it('one message of a feed refused, the others accepted: each applied as Amazon said, none sent again', async () => {
    const placed = world.placeOrders([{}, {}, {}]);
    world.advance(5);
    await world.downloadNow();
    for (const amazonOrderId of placed) await world.cancelOrder(amazonOrderId);
    // Amazon refuses the first cancellation message it processes (an Error result, 18028) and accepts the rest.
    await world.fault({ kind: 'cancel-refused', count: 1 });
    await world.runAndWait('cancellation-upload', { statuses: ['succeeded'] });
    // Amazon processes the feed (settling ends every fault, this one too, before it follows the feed).
    world.advance(10);
    await world.settle();

    const report = await world.check();
    expect(report.violations).toEqual([]);
    const cancellations = await listCancellations(world.context.db, world.seller().company.id);
    const feedIds = new Set(cancellations.map((c) => c.feedId));
    expect(feedIds.size).toBe(1);
    const states = cancellations.map((c) => c.state).sort();
    expect(states).toEqual(['accepted', 'accepted', 'rejected']);
    const rejected = cancellations.find((c) => c.state === 'rejected');
    expect(rejected?.resultCode).toBe('18028');
    const sim = world.simulator.sim.store.orders;
    for (const c of cancellations) {
      expect(sim.get(c.amazonOrderId)?.status).toBe(c.state === 'accepted' ? 'CANCELLED' : 'UNSHIPPED');
    }
    // The rejected one waits for the operator (requeue or release): settling sent nothing more.
    expect(report.pending.cancellations).toBe(0);
    expect(world.simulator.sim.store.requests.filter((r) => r.operation === 'createFeed').length).toBe(1);
  });
});
