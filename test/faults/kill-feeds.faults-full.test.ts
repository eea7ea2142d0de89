import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OPEN_FEED_STATES } from '../../src/feeds/feed-states.js';
import { FaultWorld, until } from './world.js';

let world: FaultWorld;

beforeAll(async () => {
  world = await FaultWorld.start({ seed: 166 });
  world.cursors.start();
  await world.startDaemon();
  await world.idle();
});

afterAll(async () => {
  await world?.close();
});

const UPLOADS = ['fulfillment-upload', 'cancellation-upload', 'refund-upload'] as const;

/** A shipment, a cancellation and a refund recorded, none sent yet. */
async function recordOneOfEach(tag: string): Promise<void> {
  const [refunded = ''] = world.placeOrders([{ items: [{ quantity: 2 }] }]);
  world.advance(5);
  await world.downloadNow();
  await world.shipWholeOrder(refunded, `FAULT${tag}R`);
  await world.settle();
  const [shipped = '', cancelled = ''] = world.placeOrders([{}, {}]);
  world.advance(5);
  await world.downloadNow();
  await world.downloadNow();
  await world.shipWholeOrder(shipped, `FAULT${tag}S`);
  await world.cancelOrder(cancelled);
  await world.refundOrder(refunded);
}

const openFeeds = () =>
  world.context.db
    .selectFrom('feeds')
    .select(['id', 'kind', 'state'])
    .where('state', 'in', [...OPEN_FEED_STATES])
    .execute();

/** Triggers the uploads and follow-ups every few seconds until no feed is open and nothing waits to be sent. */
async function driveUntilDone(timeoutMs: number): Promise<void> {
  await until(
    async () => {
      for (const kind of [...UPLOADS, 'feed-follow-up'] as const) await world.runNow(kind);
      await world.context.db.updateTable('feeds').set({ next_check_at: null }).execute();
      const report = await world.check({ abandonedAfterMs: 0 });
      const pending = report.pending.shipments + report.pending.cancellations + report.pending.refunds;
      if (pending === 0 && (await openFeeds()).length === 0) return true;
      await new Promise((resolve) => setTimeout(resolve, 5_000));
      return false;
    },
    'every feed finished',
    timeoutMs,
  );
}

describe('kill -9 of a daemon while it sends feeds', { timeout: 600_000 }, () => {
  it('during the follow-up: the next daemon applies Amazon’s results once', async () => {
    await recordOneOfEach('K2');
    for (const kind of UPLOADS) await world.runNow(kind);
    world.advance(10);
    await world.context.db.updateTable('feeds').set({ next_check_at: null }).execute();
    await world.fault({ kind: 'slow', operation: 'getFeedDocument', count: 3, delayMs: 30_000 });
    const daemon = world.liveDaemon();
    const following = daemon.runNow(world.seller().company.id, 'feed-follow-up').catch(() => 'killed');
    await until(
      async () => world.simulator.sim.store.requests.some((r) => r.operation === 'getFeedDocument'),
      'a follow-up reading a result document',
    );
    await daemon.kill9();
    const killedAt = performance.now();
    expect(await following).toBe('killed');
    world.simulator.sim.faults.clear();
    await world.startDaemon();
    await driveUntilDone(120_000);
    const recoveryMs = performance.now() - killedAt;
    await world.settle();
    const report = await world.check();
    expect(report.violations).toEqual([]);
    expect(report.pending).toEqual({ shipments: 0, cancellations: 0, refunds: 0 });
    console.log(JSON.stringify({ row: 'kill -9 during follow-up', recoveryMs: Math.round(recoveryMs) }));
  });

  it('before createFeed and between createFeed and recording it, Amazon’s clock stepping an hour: after the landing horizon each is sent once', async () => {
    await recordOneOfEach('K1');
    const feedsBefore = world.simulator.sim.store.feeds.size;
    // One createFeed held before Amazon sees it, two carried out and answered too late.
    await world.fault({ kind: 'slow', operation: 'createFeed', count: 1, delayMs: 30_000 });
    await world.fault({ kind: 'slow-answer', operation: 'createFeed', count: 2, delayMs: 30_000 });
    const daemon = world.liveDaemon();
    for (const kind of UPLOADS) await daemon.queueRun(world.seller().company.id, kind);
    await until(
      async () => {
        const submitting = await world.context.db
          .selectFrom('feeds')
          .select('id')
          .where('state', '=', 'submitting')
          .execute();
        return submitting.length === 3 && world.simulator.sim.store.feeds.size === feedsBefore + 2;
      },
      'three createFeed calls in flight, two of them carried out',
      60_000,
    );
    await daemon.kill9();
    const killedAt = performance.now();
    world.simulator.sim.faults.clear();
    // Amazon's clock steps an hour while the landing horizon runs: the feeds that landed are matched
    // on Amazon's clock at their attempt, so the step neither hides them nor sends them again. Last in
    // the file: Amazon stays an hour ahead of our clock after it.
    world.advance(60);
    await world.startDaemon();
    await driveUntilDone(420_000);
    const recoveryMs = performance.now() - killedAt;
    await world.settle();
    const report = await world.check();
    expect(report.violations).toEqual([]);
    expect(world.simulator.sim.store.feeds.size).toBe(feedsBefore + 3);
    const states = await world.context.db.selectFrom('feeds').select(['kind', 'state']).execute();
    console.log(
      JSON.stringify({ row: 'kill -9 around createFeed', recoveryMs: Math.round(recoveryMs), states }),
    );
  });
});
