import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  startFulfillmentWorld,
  type FulfillmentWorld,
  type SimOrderView,
} from '../fulfillment/fulfillment.test-support.js';
import { cancel, cancellationsOf } from './cancellations.test-support.js';
import { rejectCancellations } from './cancellations.repository.js';
import { currentCancelRate } from './current-cancel-rate.js';

/**
 * Each point of the account-health cancel-rate chart is the rate as it stood at that instant: the
 * cancellations requested by then, counted as they were then. Both the requests and Amazon's verdicts
 * are timed on our (pinned) clock, which the points are on, not on Postgres's.
 */

const HOUR_MS = 3_600_000;

let world: FulfillmentWorld;
let orders: SimOrderView[];

beforeAll(async () => {
  world = await startFulfillmentWorld(1523);
  orders = [];
  for (let i = 0; i < 4; i++) orders.push(await world.createOrder({ items: [{ quantity: 1 }] }));
  await world.downloadOrders();
}, 120_000);

afterAll(async () => {
  await world?.close();
});

const rateAt = (at: Date) => currentCancelRate(world.context.db, world.company.id, at);

describe('the cancel rate at a past instant', () => {
  it('does not count a cancellation requested after it, and counts it from then on', async () => {
    // The orders were bought a day before our clock (the simulator runs a day behind), so they are in
    // every point's 7-day window from here back twelve hours.
    const requestedAt = world.now();
    await cancel(world, { amazonOrderId: orders[0]!.orderId, reason: 'NoInventory' }, requestedAt);

    const before = await rateAt(new Date(requestedAt.getTime() - 12 * HOUR_MS));
    expect(before).toMatchObject({ orders: 4, cancelledOrders: 0, rate: 0 });
    expect((await rateAt(new Date(requestedAt.getTime() - 1))).cancelledOrders).toBe(0);
    expect(await rateAt(requestedAt)).toMatchObject({ orders: 4, cancelledOrders: 1, rate: 0.25 });
  });

  it('counts a cancellation Amazon rejected later at the points before the rejection only', async () => {
    const requestedAt = world.now();
    await cancel(world, { amazonOrderId: orders[1]!.orderId, reason: 'NoInventory' }, requestedAt);
    const [requested] = await cancellationsOf(world, orders[1]!.orderId);
    const rejectedAt = new Date(requestedAt.getTime() + 2 * HOUR_MS);
    await world.context.db
      .transaction()
      .execute((tx) =>
        rejectCancellations(
          tx,
          [{ id: requested!.id, code: '18028', message: 'could not be processed' }],
          ['requested'],
          rejectedAt,
        ),
      );

    const waiting = await rateAt(new Date(requestedAt.getTime() + HOUR_MS));
    expect(waiting.cancelledOrders).toBe(2);
    const afterVerdict = await rateAt(new Date(rejectedAt.getTime() + HOUR_MS));
    expect(afterVerdict.cancelledOrders).toBe(1);
  });
});
