import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listFeeds } from '../feeds/feeds.repository.js';
import { startFulfillmentWorld, type FulfillmentWorld } from '../fulfillment/fulfillment.test-support.js';
import { cancel, cancellationsOf, storedOrder } from './cancellations.test-support.js';
import { uploadCancellations } from './cancellations.upload.js';

let world: FulfillmentWorld;

beforeAll(async () => {
  world = await startFulfillmentWorld(1203);
});

afterAll(async () => {
  await world?.close();
});

async function acknowledgementFeedCount(): Promise<number> {
  const { feeds } = await world.control<{ feeds: { feedType: string }[] }>('GET', '/feeds');
  return feeds.filter((f) => f.feedType === 'POST_ORDER_ACKNOWLEDGEMENT_DATA').length;
}

async function waitFor(condition: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('a cancellation upload killed during submission', () => {
  it('sends the cancellation exactly once after kill -9 between createFeed and recording its id', async () => {
    const order = await world.createOrder({ items: [{ quantity: 2 }] });
    await world.downloadOrders();
    await cancel(world, { amazonOrderId: order.orderId, reason: 'NoInventory' });
    // Amazon creates the feed, but its answer never reaches the process: it is killed while waiting.
    await world.control('POST', '/faults', { kind: 'slow-answer', operation: 'createFeed', delayMs: 60_000 });
    const child = spawn(
      process.execPath,
      ['bin/sellersync.js', 'run', 'cancellation-upload', '--company', String(world.company.id)],
      { env: world.childEnv(), stdio: 'ignore' },
    );
    const exited = new Promise<NodeJS.Signals | null>((resolve) =>
      child.once('exit', (_code, signal) => resolve(signal)),
    );
    await waitFor(async () => (await acknowledgementFeedCount()) === 1, 60_000);
    child.kill('SIGKILL');
    expect(await exited).toBe('SIGKILL');
    const [interrupted] = await listFeeds(world.context.db, world.company.id, {
      kind: 'order-acknowledgement',
    });
    expect(interrupted).toMatchObject({ state: 'submitting', amazonFeedId: null });
    await world.control('DELETE', '/faults');

    // Within the landing horizon the dead process's createFeed may still land: nothing is sent.
    // (the dead process's job lease may also still hold the run back).
    await world.run('cancellation-upload');
    expect(await acknowledgementFeedCount()).toBe(1);
    // Past it, getFeeds finds the feed Amazon created, and it is adopted rather than sent again.
    const horizonMs = world.context.config.feeds.landingHorizonMinutes * 60_000;
    const restarted = await uploadCancellations(
      await world.pipeline(),
      world.company,
      new Date(interrupted!.submitStartedAt!.getTime() + horizonMs + 1_000),
    );
    expect(restarted).toMatchObject({ feeds: 1, awaitingLandingUntil: null });
    expect(await acknowledgementFeedCount()).toBe(1);
    const [adopted] = await listFeeds(world.context.db, world.company.id, { kind: 'order-acknowledgement' });
    expect(adopted?.state).toBe('submitted');
    await world.finishFeeds();
    expect(await acknowledgementFeedCount()).toBe(1);
    const [done] = await cancellationsOf(world, order.orderId);
    expect(done?.state).toBe('accepted');
    expect((await storedOrder(world, order.orderId)).status).toBe('Canceled');
    expect((await world.simOrder(order.orderId)).fulfillment?.fulfillmentStatus).toBe('CANCELLED');
  }, 120_000);
});
