import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listFeeds, type Feed } from '../feeds/feeds.repository.js';
import { uploadFulfillments } from './fulfillment.upload.js';
import {
  startFulfillmentWorld,
  type FulfillmentWorld,
  type SimOrderView,
} from './fulfillment.test-support.js';
import { listShipments } from './shipments.repository.js';

/** A short landing horizon; each run's clock is pinned relative to the recorded attempt. */
const HORIZON_MS = 10 * 60_000;
/** A client that gives up long before the simulator answers a slow createFeed. */
const IMPATIENT = { responseTimeoutMs: 600, deadlineTimeoutMs: 1_200 };

let world: FulfillmentWorld;

beforeAll(async () => {
  world = await startFulfillmentWorld(41);
});

afterAll(async () => {
  await world?.close();
});

interface SimFeedView {
  feedId: string;
  feedType: string;
  content: string;
}

async function simFeeds(): Promise<SimFeedView[]> {
  return (await world.control<{ feeds: SimFeedView[] }>('GET', '/feeds')).feeds;
}

async function createFeedCalls(): Promise<number> {
  const { requests } = await world.control<{ requests: { operation: string }[] }>('GET', '/requests');
  return requests.filter((r) => r.operation === 'createFeed').length;
}

async function until<T>(probe: () => Promise<T | undefined | false>, what: string): Promise<T> {
  for (let waited = 0; waited < 30_000; waited += 100) {
    const value = await probe();
    if (value) return value;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
}

async function feedOf(shipmentId: number): Promise<Feed> {
  const [shipment] = await listShipments(world.context.db, world.company.id, { ids: [shipmentId] });
  const [feed] = (await listFeeds(world.context.db, world.company.id)).filter(
    (f) => f.id === shipment?.feedId,
  );
  return feed!;
}

const after = (feed: Feed, ms: number) => new Date(feed.submitStartedAt!.getTime() + ms);

/** What Amazon holds for a shipment at the end: one feed carrying it once, one package with its tracking. */
async function expectOnceAtAmazon(
  order: SimOrderView,
  shipmentId: number,
  tracking: string,
  feedsBefore: number,
) {
  const feeds = await simFeeds();
  expect(feeds).toHaveLength(feedsBefore + 1);
  const carrying = feeds.filter((f) =>
    f.content.includes(`<MerchantFulfillmentID>${shipmentId}</MerchantFulfillmentID>`),
  );
  expect(carrying).toHaveLength(1);
  expect(carrying[0]!.content.split(`<MerchantFulfillmentID>${shipmentId}<`).length - 1).toBe(1);
  await world.finishFeeds();
  const [shipment] = await listShipments(world.context.db, world.company.id, { ids: [shipmentId] });
  expect(shipment?.state).toBe('confirmed');
  const onAmazon = await world.simOrder(order.orderId);
  expect(onAmazon.packages?.filter((p) => p.trackingNumber === tracking)).toHaveLength(1);
  expect(onAmazon.orderItems.map((i) => i.fulfillment?.quantityFulfilled)).toEqual(
    order.orderItems.map((i) => i.quantityOrdered),
  );
}

describe('a fulfillment feed reaches Amazon exactly once, even when createFeed is slow', () => {
  it('waits out a createFeed that answers after our timeout, then adopts the feed it created', async () => {
    const order = await world.createOrder({ items: [{ quantity: 2 }] });
    await world.downloadOrders();
    const tracking = '1Z999AA10123456791';
    const recorded = await world.shipWholeOrder(order, tracking);
    const feedsBefore = (await simFeeds()).length;
    const callsBefore = await createFeedCalls();
    await world.control('POST', '/faults', { kind: 'slow', operation: 'createFeed', delayMs: 2_500 });
    const pipeline = await world.pipeline({ gateway: IMPATIENT, landingHorizonMs: HORIZON_MS });

    const timedOut = await uploadFulfillments(pipeline, world.company, world.now());
    const feed = await feedOf(recorded.id);
    expect(feed.state).toBe('submitting');
    expect(timedOut.awaitingLandingUntil).toEqual(after(feed, HORIZON_MS));
    // The next run comes while the late request is still on its way: getFeeds would find nothing yet.
    const early = await uploadFulfillments(pipeline, world.company, after(feed, HORIZON_MS - 1_000));
    expect(early).toMatchObject({ feeds: 0, awaitingLandingUntil: after(feed, HORIZON_MS) });
    expect(await simFeeds()).toHaveLength(feedsBefore);
    // Amazon creates the feed when the delay ends, after we stopped waiting for the answer.
    await until(async () => (await simFeeds()).length === feedsBefore + 1, 'the late feed');
    expect(await createFeedCalls()).toBe(callsBefore + 1);

    const late = await uploadFulfillments(pipeline, world.company, after(feed, HORIZON_MS + 1_000));
    expect(late).toMatchObject({ feeds: 1, awaitingLandingUntil: null });
    expect(await createFeedCalls()).toBe(callsBefore + 1);
    const adopted = await feedOf(recorded.id);
    expect(adopted.state).toBe('submitted');
    expect((await simFeeds()).map((f) => f.feedId)).toContain(adopted.amazonFeedId);
    await expectOnceAtAmazon(order, recorded.id, tracking, feedsBefore);
  });

  it('after a kill during a slow createFeed, the restarted upload waits, finds the feed and sends nothing again', async () => {
    const order = await world.createOrder({ items: [{ quantity: 1 }, { quantity: 3 }] });
    await world.downloadOrders();
    const tracking = '1Z999AA10123456792';
    const recorded = await world.shipWholeOrder(order, tracking);
    const feedsBefore = (await simFeeds()).length;
    const callsBefore = await createFeedCalls();
    await world.control('POST', '/faults', { kind: 'slow', operation: 'createFeed', delayMs: 4_000 });

    const child = spawn(
      process.execPath,
      ['bin/sellersync.js', 'run', 'fulfillment-upload', '--company', String(world.company.id)],
      { env: world.childEnv(), stdio: 'ignore' },
    );
    const exited = new Promise((resolve) => child.once('exit', resolve));
    const inFlight = await until(async () => {
      const feeds = await listFeeds(world.context.db, world.company.id, { states: ['submitting'] });
      return feeds[0];
    }, 'the createFeed attempt');
    await new Promise((resolve) => setTimeout(resolve, 500));
    child.kill('SIGKILL');
    await exited;
    // The request the killed process sent still lands at Amazon.
    await until(async () => (await simFeeds()).length === feedsBefore + 1, 'the feed of the killed process');

    const pipeline = await world.pipeline({ landingHorizonMs: HORIZON_MS });
    const restarted = await uploadFulfillments(pipeline, world.company, after(inFlight, 60_000));
    expect(restarted).toMatchObject({
      feeds: 0,
      shipments: 0,
      awaitingLandingUntil: after(inFlight, HORIZON_MS),
    });
    const resumed = await uploadFulfillments(pipeline, world.company, after(inFlight, HORIZON_MS));
    expect(resumed).toMatchObject({ feeds: 1, awaitingLandingUntil: null });
    expect(await createFeedCalls()).toBe(callsBefore + 1);
    expect((await feedOf(recorded.id)).state).toBe('submitted');
    await expectOnceAtAmazon(order, recorded.id, tracking, feedsBefore);
  });

  it('sends the feed again past the horizon when getFeeds shows the dropped attempt never reached Amazon', async () => {
    const order = await world.createOrder({ items: [{ quantity: 1 }] });
    await world.downloadOrders();
    const tracking = '1Z999AA10123456793';
    const recorded = await world.shipWholeOrder(order, tracking);
    const feedsBefore = (await simFeeds()).length;
    await world.control('POST', '/faults', { kind: 'drop-connection', operation: 'createFeed', count: 1 });
    const pipeline = await world.pipeline({ landingHorizonMs: HORIZON_MS });

    const dropped = await uploadFulfillments(pipeline, world.company, world.now());
    const feed = await feedOf(recorded.id);
    expect(feed.state).toBe('submitting');
    expect(dropped.awaitingLandingUntil).toEqual(after(feed, HORIZON_MS));
    expect(await simFeeds()).toHaveLength(feedsBefore);

    const getFeedsBefore = (
      await world.control<{ requests: { operation: string }[] }>('GET', '/requests')
    ).requests.filter((r) => r.operation === 'getFeeds').length;
    const resent = await uploadFulfillments(pipeline, world.company, after(feed, HORIZON_MS + 1_000));
    expect(resent).toMatchObject({ feeds: 1, awaitingLandingUntil: null });
    const { requests } = await world.control<{ requests: { operation: string }[] }>('GET', '/requests');
    expect(requests.filter((r) => r.operation === 'getFeeds').length).toBeGreaterThan(getFeedsBefore);
    await expectOnceAtAmazon(order, recorded.id, tracking, feedsBefore);
  });

  it('counts the landing horizon from the createFeed attempt, not from the start of its run', async () => {
    const order = await world.createOrder({ items: [{ quantity: 1 }] });
    await world.downloadOrders();
    const tracking = '1Z999AA10123456794';
    const recorded = await world.shipWholeOrder(order, tracking);
    const feedsBefore = (await simFeeds()).length;
    await world.control('POST', '/faults', { kind: 'drop-connection', operation: 'createFeed', count: 1 });
    const runStart = world.now();
    // The run spent 5 minutes (rate-limit waits, order re-checks) before it called createFeed.
    let clock = new Date(runStart.getTime() + 5 * 60_000);
    const attemptAt = clock;
    const pipeline = {
      ...(await world.pipeline({ landingHorizonMs: HORIZON_MS })),
      clock: () => clock,
    };

    const dropped = await uploadFulfillments(pipeline, world.company, runStart);
    const feed = await feedOf(recorded.id);
    expect(feed).toMatchObject({ state: 'submitting', submitStartedAt: attemptAt });
    expect(dropped.awaitingLandingUntil).toEqual(new Date(attemptAt.getTime() + HORIZON_MS));
    // Measured from the run's start the horizon would be over here; from the attempt it is not.
    const early = await uploadFulfillments(
      pipeline,
      world.company,
      new Date(runStart.getTime() + HORIZON_MS + 1_000),
    );
    expect(early).toMatchObject({ feeds: 0, awaitingLandingUntil: after(feed, HORIZON_MS) });

    clock = after(feed, HORIZON_MS + 1_000);
    const resent = await uploadFulfillments(pipeline, world.company, clock);
    expect(resent).toMatchObject({ feeds: 1, awaitingLandingUntil: null });
    await expectOnceAtAmazon(order, recorded.id, tracking, feedsBefore);
  });
});

describe('a landed createFeed whose answer was lost is found whatever either clock did since', () => {
  const HOUR_MS = 60 * 60_000;
  // Each row: how far Amazon's clock moves before the search, and the time our run reads then.
  it.each([
    { step: 'Amazon’s clock moves 60 minutes ahead', amazonMovesMs: HOUR_MS, tracking: '1Z999AA10123456801' },
    {
      step: 'our clock steps 60 minutes back',
      amazonMovesMs: HORIZON_MS + HOUR_MS + 1_000,
      tracking: '1Z999AA10123456802',
    },
  ])('$step before the search: the shipment reaches Amazon once', async ({ amazonMovesMs, tracking }) => {
    const order = await world.createOrder({ items: [{ quantity: 1 }] });
    await world.downloadOrders();
    const recorded = await world.shipWholeOrder(order, tracking);
    const feedsBefore = (await simFeeds()).length;
    const callsBefore = await createFeedCalls();
    // Amazon creates the feed at once and answers only after our client has given up.
    await world.control('POST', '/faults', { kind: 'slow-answer', operation: 'createFeed', delayMs: 2_500 });
    const pipeline = await world.pipeline({ gateway: IMPATIENT, landingHorizonMs: HORIZON_MS });

    const lost = await uploadFulfillments(pipeline, world.company, world.now());
    const feed = await feedOf(recorded.id);
    expect(feed.state).toBe('submitting');
    expect(lost.awaitingLandingUntil).toEqual(after(feed, HORIZON_MS));
    expect(await simFeeds()).toHaveLength(feedsBefore + 1);
    expect(feed.submitStartedAmazonAt).not.toBeNull();
    // The simulator logs the request once its late answer has gone out.
    await until(async () => (await createFeedCalls()) === callsBefore + 1, 'the late answer');

    await world.control('POST', '/time/advance', { minutes: amazonMovesMs / 60_000 });
    // Our clock says the horizon has just passed, whatever Amazon's says.
    const searched = await uploadFulfillments(pipeline, world.company, after(feed, HORIZON_MS + 1_000));
    expect(searched).toMatchObject({ feeds: 1, awaitingLandingUntil: null });
    expect(await createFeedCalls()).toBe(callsBefore + 1);
    const adopted = await feedOf(recorded.id);
    expect(adopted.state).toBe('submitted');
    expect((await simFeeds()).map((f) => f.feedId)).toContain(adopted.amazonFeedId);
    await expectOnceAtAmazon(order, recorded.id, tracking, feedsBefore);
  });
});

// A world of its own: its rate-limit buckets have not yet adopted the simulator's slow createFeed rate.
describe('a createFeed Amazon answered without creating the feed', () => {
  beforeAll(async () => {
    await world.close();
    world = await startFulfillmentWorld(43);
  });

  it('a throttled createFeed leaves the feed to be sent again at once, without waiting for a horizon', async () => {
    const order = await world.createOrder({ items: [{ quantity: 1 }] });
    await world.downloadOrders();
    const tracking = '1Z999AA10123456794';
    const recorded = await world.shipWholeOrder(order, tracking);
    const feedsBefore = (await simFeeds()).length;
    await world.control('POST', '/faults', { kind: 'throttle', operation: 'createFeed', count: 1 });
    // No retry of the 429: it reaches the pipeline as Amazon's answer.
    const pipeline = await world.pipeline({
      gateway: {
        retry: {
          maxInlineWaitMs: 2_000,
          throttleRetries: 0,
          transientRetries: 0,
          transientBaseDelayMs: 1,
          transientMaxDelayMs: 1,
        },
        ratePlans: { createFeed: { rate: 10, burst: 10 } },
      },
      landingHorizonMs: HORIZON_MS,
    });

    await expect(uploadFulfillments(pipeline, world.company, world.now())).rejects.toMatchObject({
      kind: 'throttled',
    });
    const feed = await feedOf(recorded.id);
    expect(feed).toMatchObject({ state: 'uploaded', submitStartedAt: null });
    expect(await simFeeds()).toHaveLength(feedsBefore);

    // The next run, a second later by our clock.
    const next = await uploadFulfillments(pipeline, world.company, new Date(world.now().getTime() + 1_000));
    expect(next).toMatchObject({ feeds: 1, awaitingLandingUntil: null });
    await expectOnceAtAmazon(order, recorded.id, tracking, feedsBefore);
  });
});
