import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listFeeds } from '../feeds/feeds.repository.js';
import { startFulfillmentWorld, type FulfillmentWorld } from '../fulfillment/fulfillment.test-support.js';
import { uploadRefunds } from './refunds.upload.js';
import { adjustmentFeeds, refund, refundsOf, shippedOrders, simRefunds } from './refunds.test-support.js';

let world: FulfillmentWorld;

beforeAll(async () => {
  world = await startFulfillmentWorld(1303);
});

afterAll(async () => {
  await world?.close();
});

async function waitFor(condition: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('a refund upload killed during submission', () => {
  it('refunds exactly once at Amazon after kill -9 between createFeed and recording its id', async () => {
    const [order] = await shippedOrders(world, [{ items: [{ quantity: 1, unitPrice: '10.00' }] }]);
    await refund(world, { amazonOrderId: order!.orderId, reason: 'CustomerReturn', full: true });
    // Amazon creates the feed, but its answer never reaches the process: it is killed while waiting.
    await world.control('POST', '/faults', { kind: 'slow-answer', operation: 'createFeed', delayMs: 60_000 });
    const child = spawn(
      process.execPath,
      ['bin/sellersync.js', 'run', 'refund-upload', '--company', String(world.company.id)],
      { env: world.childEnv(), stdio: 'ignore' },
    );
    const exited = new Promise<NodeJS.Signals | null>((resolve) =>
      child.once('exit', (_code, signal) => resolve(signal)),
    );
    await waitFor(async () => (await adjustmentFeeds(world)).length === 1, 60_000);
    child.kill('SIGKILL');
    expect(await exited).toBe('SIGKILL');
    const [interrupted] = await listFeeds(world.context.db, world.company.id, { kind: 'payment-adjustment' });
    expect(interrupted).toMatchObject({ state: 'submitting', amazonFeedId: null });
    await world.control('DELETE', '/faults');

    // Within the landing horizon the dead process's createFeed may still land: nothing is sent.
    await world.run('refund-upload');
    expect(await adjustmentFeeds(world)).toHaveLength(1);
    // Past it, getFeeds finds the feed Amazon created, and it is adopted rather than sent again.
    const horizonMs = world.context.config.feeds.landingHorizonMinutes * 60_000;
    const restarted = await uploadRefunds(
      await world.pipeline(),
      world.company,
      new Date(interrupted!.submitStartedAt!.getTime() + horizonMs + 1_000),
    );
    expect(restarted).toMatchObject({ feeds: 1, awaitingLandingUntil: null });
    await world.finishFeeds();
    expect(await adjustmentFeeds(world)).toHaveLength(1);
    expect((await refundsOf(world, order!.orderId)).map((r) => r.state)).toEqual(['accepted']);
    expect((await simRefunds(world, order!.orderId))[0]?.refundedComponents).toEqual({
      Principal: 1000,
      Tax: 80,
      Shipping: 499,
    });
  }, 120_000);
});
