import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jsonError, runCliProcess } from '../../test/helpers/cli.js';
import { fulfillmentShipmentGuard } from '../fulfillment/cancellation-guard.js';
import { startFulfillmentWorld, type FulfillmentWorld } from '../fulfillment/fulfillment.test-support.js';
import { listOpenCancelRequests } from '../orders/orders.cancelling.js';
import { UsageError } from '../shared/errors.js';
import { releaseCancellation, requeueCancellation } from './cancellations.resolve.js';
import { declineCancelRequest } from './cancellations.service.js';
import { cancel, cancellationsOf, storedOrder } from './cancellations.test-support.js';

let world: FulfillmentWorld;
type Order = Awaited<ReturnType<FulfillmentWorld['createOrder']>>;
const orders: Record<string, Order> = {};

const SPECS: Record<string, Record<string, unknown>> = {
  requeued: { items: [{ quantity: 2 }] },
  released: { items: [{ quantity: 1 }] },
  buyer: { items: [{ quantity: 1 }] },
  lateBuyer: { items: [{ quantity: 1 }] },
};

beforeAll(async () => {
  world = await startFulfillmentWorld(1205);
  for (const [name, spec] of Object.entries(SPECS)) orders[name] = await world.createOrder(spec);
  for (const name of ['buyer', 'lateBuyer']) {
    await world.control('POST', `/orders/${orders[name]!.orderId}/buyer-cancel-request`, {
      reason: 'Ordered by mistake',
    });
  }
  await world.downloadOrders();
});

afterAll(async () => {
  await world?.close();
});

const ship = (order: Order) =>
  world.shipWholeOrder(order).then(
    (shipment) => shipment.state,
    (err: Error) => err.message,
  );

/** Cancels the order and lets Amazon refuse the message: the cancellation ends rejected. */
async function rejectedCancellation(order: Order, reason = 'NoInventory') {
  const { cancellation } = await cancel(world, { amazonOrderId: order.orderId, reason });
  await world.control('POST', '/faults', { kind: 'cancel-refused', count: 1 });
  await world.run('cancellation-upload');
  await world.finishFeeds();
  const [rejected] = await cancellationsOf(world, order.orderId);
  expect(rejected).toMatchObject({ id: cancellation.id, state: 'rejected', resultCode: '18028' });
  return rejected!;
}

async function holdOf(amazonOrderId: string) {
  return world.context.db
    .selectFrom('orders')
    .select(['cancel_request_state', 'on_hold', 'cancel_requested_at'])
    .where('amazon_order_id', '=', amazonOrderId)
    .executeTakeFirstOrThrow();
}

describe('a rejected cancellation keeps its units held until it is re-queued or released', () => {
  it('re-queues a rejected cancellation: sent again, accepted, Canceled on both sides', async () => {
    const order = orders.requeued!;
    const rejected = await rejectedCancellation(order);
    expect(rejected.resultMessage).toMatch(/could not be processed at this time/);
    expect(await ship(order)).toMatch(/being cancelled 2/);

    const requeued = await requeueCancellation(
      world.context.db,
      fulfillmentShipmentGuard,
      world.company.id,
      rejected.id,
      world.now(),
    );
    expect(requeued).toMatchObject({ state: 'requested', feedId: null, resultCode: null, attempts: 0 });
    expect(requeued.lastError).toMatch(/re-queued after Amazon rejected it \(18028/);
    expect(await ship(order)).toMatch(/being cancelled 2/);

    const upload = await world.run('cancellation-upload');
    expect(upload.run?.counts).toMatchObject({ cancellations: 1, feeds: 1 });
    await world.finishFeeds();
    expect((await cancellationsOf(world, order.orderId))[0]?.state).toBe('accepted');
    expect((await storedOrder(world, order.orderId)).status).toBe('Canceled');
    expect((await world.simOrder(order.orderId)).fulfillment?.fulfillmentStatus).toBe('CANCELLED');
  });

  it('refuses to re-queue or release a cancellation that is not rejected, or unknown', async () => {
    const [accepted] = await cancellationsOf(world, orders.requeued!.orderId);
    const requeue = (id: number) =>
      requeueCancellation(world.context.db, fulfillmentShipmentGuard, world.company.id, id, world.now());
    await expect(requeue(accepted!.id)).rejects.toThrow(UsageError);
    await expect(requeue(accepted!.id)).rejects.toThrow(
      /is accepted: only a cancellation Amazon rejected can be re-queued/,
    );
    await expect(
      releaseCancellation(world.context.db, world.company.id, accepted!.id, world.now()),
    ).rejects.toThrow(/is accepted: only a cancellation Amazon rejected can be released/);
    await expect(requeue(9_999_999)).rejects.toThrow(/no cancellation 9999999 for company/);
  });

  it('releases a rejected cancellation: its units can be shipped again, and it cannot be released twice', async () => {
    const order = orders.released!;
    const rejected = await rejectedCancellation(order);
    expect(await ship(order)).toMatch(/being cancelled 1/);
    const released = await releaseCancellation(world.context.db, world.company.id, rejected.id, world.now());
    expect(released).toMatchObject({ cancellation: { state: 'released' }, buyerRequestReopened: false });
    expect(await ship(order)).toBe('pending_upload');
    await expect(
      releaseCancellation(world.context.db, world.company.id, rejected.id, world.now()),
    ).rejects.toThrow(/is released/);
  });

  it('releasing a rejected acceptance of a buyer request reopens the request; declining it then ships', async () => {
    const order = orders.buyer!;
    const rejected = await rejectedCancellation(order, 'BuyerCanceled');
    expect(await holdOf(order.orderId)).toMatchObject({ cancel_request_state: 'accepted', on_hold: true });
    const { cancel_requested_at: requestedAt } = await holdOf(order.orderId);
    // Pinned: one hour after the buyer's request, well before its 48 h deadline.
    const now = new Date(requestedAt!.getTime() + 3_600_000);
    const released = await releaseCancellation(world.context.db, world.company.id, rejected.id, now);
    expect(released.buyerRequestReopened).toBe(true);
    expect(await holdOf(order.orderId)).toMatchObject({ cancel_request_state: 'requested', on_hold: true });
    const open = await listOpenCancelRequests(world.context.db, world.company.id);
    expect(open.map((r) => r.amazonOrderId)).toContain(order.orderId);
    expect(await ship(order)).toMatch(/buyer cancellation request on hold/);
    await declineCancelRequest(world.context.db, world.company.id, order.orderId, now);
    expect(await ship(order)).toBe('pending_upload');
  });

  it('releasing it after the respond-by deadline lets the request expire and lifts the hold', async () => {
    const order = orders.lateBuyer!;
    const rejected = await rejectedCancellation(order, 'BuyerCanceled');
    const { cancel_requested_at: requestedAt } = await holdOf(order.orderId);
    const now = new Date(requestedAt!.getTime() + 49 * 3_600_000);
    const released = await releaseCancellation(world.context.db, world.company.id, rejected.id, now);
    expect(released.buyerRequestReopened).toBe(false);
    expect(await holdOf(order.orderId)).toMatchObject({ cancel_request_state: 'expired', on_hold: false });
    expect(await ship(order)).toBe('pending_upload');
  });

  it('the CLI exits 2 for an unknown cancellation and for one in the wrong state', async () => {
    const cli = (...args: string[]) => runCliProcess(args, world.childEnv());
    const company = String(world.company.id);
    const unknown = await cli('cancellations', 'requeue', '9999999', '--company', company);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/no cancellation 9999999/);
    const [accepted] = await cancellationsOf(world, orders.requeued!.orderId);
    const wrong = await cli('cancellations', 'release', String(accepted!.id), '--company', company, '--json');
    expect(wrong.code).toBe(2);
    expect(jsonError(wrong)).toMatchObject({ error: expect.stringMatching(/is accepted/) });
  }, 60_000);
});
