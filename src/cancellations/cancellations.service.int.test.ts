import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { updateCompany } from '../companies/companies.service.js';
import { listShipments } from '../fulfillment/shipments.repository.js';
import { startFulfillmentWorld, type FulfillmentWorld } from '../fulfillment/fulfillment.test-support.js';
import { listZeroings } from '../inventory/zeroings.repository.js';
import { UsageError } from '../shared/errors.js';
import { listOpenCancelRequests } from '../orders/orders.cancelling.js';
import { declineCancelRequest } from './cancellations.service.js';
import { cancel, cancellationsOf } from './cancellations.test-support.js';

let world: FulfillmentWorld;
type Order = Awaited<ReturnType<FulfillmentWorld['createOrder']>>;
/** Every order the tests use, downloaded once: searchOrders allows a burst of 20 calls only. */
const orders: Record<string, Order> = {};

const SPECS: Record<string, Record<string, unknown>> = {
  one: { items: [{ quantity: 1 }] },
  fba: { fulfilledBy: 'AMAZON' },
  pending: { pendingMinutes: 600 },
  shipped: { items: [{ quantity: 1 }] },
  three: { items: [{ quantity: 3 }] },
  unrequested: {},
  requested: {},
  declinable: { items: [{ quantity: 1 }] },
  other: {},
  waiting: { items: [{ quantity: 1 }] },
  partial: { items: [{ quantity: 3 }] },
  zero1: { items: [{ sku: 'SKU-ZERO-1', quantity: 1 }] },
  zero2: { items: [{ sku: 'SKU-ZERO-2', quantity: 1 }] },
  zero3: { items: [{ sku: 'SKU-ZERO-3', quantity: 1 }] },
};

beforeAll(async () => {
  world = await startFulfillmentWorld(1201);
  for (const [name, spec] of Object.entries(SPECS)) orders[name] = await world.createOrder(spec);
  for (const name of ['requested', 'declinable']) {
    await world.control('POST', `/orders/${orders[name]!.orderId}/buyer-cancel-request`, {
      reason: 'Found it cheaper',
    });
  }
  await world.downloadOrders();
});

afterAll(async () => {
  await world?.close();
});

function order(name: keyof typeof SPECS): Order {
  return orders[name]!;
}

async function cancellationCount(): Promise<number> {
  const row = await world.context.db
    .selectFrom('cancellations')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** Asserts the request is refused with a message matching `message`, and that nothing was recorded. */
async function expectRefused(input: Record<string, unknown>, message: RegExp) {
  const before = await cancellationCount();
  const attempt = cancel(world, input);
  await expect(attempt).rejects.toThrow(UsageError);
  await expect(attempt).rejects.toThrow(message);
  expect(await cancellationCount()).toBe(before);
}

function shipWhole(order: {
  orderId: string;
  orderItems: { orderItemId: string; quantityOrdered: number }[];
}) {
  return world.recordShipment({
    amazonOrderId: order.orderId,
    carrier: 'UPS',
    trackingNumber: '1Z999AA10123456784',
    shipDate: world.now().toISOString(),
    items: order.orderItems.map((i) => ({ orderItemId: i.orderItemId, quantity: i.quantityOrdered })),
  });
}

describe('refusals: each says what to do instead, and records nothing', () => {
  it('refuses an unknown order, an unknown item, a missing or unknown reason', async () => {
    const one = order('one');
    await expectRefused(
      { amazonOrderId: '111-0000000-0000000', reason: 'NoInventory' },
      /not known: download orders first/,
    );
    await expectRefused(
      { amazonOrderId: one.orderId, reason: 'NoInventory', items: [{ orderItemId: '99999999999999' }] },
      /has no item 99999999999999/,
    );
    await expectRefused(
      { amazonOrderId: one.orderId },
      /reason: expected one of Amazon's CancelReason values: NoInventory, /,
    );
    await expectRefused({ amazonOrderId: one.orderId, reason: 'OutOfStock' }, /reason: expected one of/);
  });

  it('refuses an FBA order, a Pending order and a ship-confirmed order', async () => {
    const [fba, pending, shipped] = [order('fba'), order('pending'), order('shipped')];
    await expectRefused(
      { amazonOrderId: fba.orderId, reason: 'NoInventory' },
      /FBA.*Amazon cancels FBA orders/,
    );
    await expectRefused(
      { amazonOrderId: pending.orderId, reason: 'NoInventory' },
      /Pending: a seller cannot cancel before Amazon has cleared the payment/,
    );
    await shipWhole(shipped);
    await world.run('fulfillment-upload');
    await world.finishFeeds();
    await expectRefused(
      { amazonOrderId: shipped.orderId, reason: 'NoInventory' },
      /ship-confirmed; refund or return it instead/,
    );
  });

  it('refuses more units than are left, counting those already being cancelled', async () => {
    const three = order('three');
    const item = three.orderItems[0]!.orderItemId;
    await expectRefused(
      { amazonOrderId: three.orderId, reason: 'NoInventory', items: [{ orderItemId: item, quantity: 4 }] },
      /cannot cancel 4, only 3 left \(ordered 3, shipped 0, cancelled 0, being cancelled 0/,
    );
    await cancel(world, {
      amazonOrderId: three.orderId,
      reason: 'NoInventory',
      items: [{ orderItemId: item, quantity: 2 }],
    });
    await expectRefused(
      { amazonOrderId: three.orderId, reason: 'NoInventory', items: [{ orderItemId: item, quantity: 2 }] },
      /cannot cancel 2, only 1 left .*being cancelled 2/,
    );
    await cancel(world, { amazonOrderId: three.orderId, reason: 'NoInventory' });
    await expectRefused({ amazonOrderId: three.orderId, reason: 'NoInventory' }, /already being cancelled/);
  });
});

describe('the BuyerCanceled guardrail', () => {
  it('refuses BuyerCanceled without a buyer request unless forced, and then counts it', async () => {
    const unrequested = order('unrequested');
    await expectRefused(
      { amazonOrderId: unrequested.orderId, reason: 'BuyerCanceled' },
      /buyer has not requested cancellation.*--force.*counts against your cancel rate/,
    );
    const forced = await cancel(world, {
      amazonOrderId: unrequested.orderId,
      reason: 'BuyerCanceled',
      force: true,
    });
    expect(forced.cancellation).toMatchObject({ forced: true, buyerRequested: false });
    expect(forced.warnings.join()).toMatch(/counts against your cancel rate/);
    expect(forced.cancelRate.cancelledOrders).toBeGreaterThanOrEqual(1);
  });

  it('accepts BuyerCanceled for a buyer request, and it does not count against the rate', async () => {
    const before = (
      await cancel(world, { amazonOrderId: order('other').orderId, reason: 'CustomerExchange' })
    ).cancelRate;
    const accepted = await cancel(world, {
      amazonOrderId: order('requested').orderId,
      reason: 'BuyerCanceled',
    });
    expect(accepted.cancellation).toMatchObject({ buyerRequested: true, forced: false });
    expect(accepted.warnings).toEqual([]);
    expect(accepted.cancelRate.cancelledOrders).toBe(before.cancelledOrders);
    expect(accepted.cancelRate.threshold).toBe(0.025);
  });
});

describe('answering a buyer cancellation request', () => {
  async function holdOf(amazonOrderId: string) {
    return world.context.db
      .selectFrom('orders')
      .select(['cancel_request_state', 'on_hold'])
      .where('amazon_order_id', '=', amazonOrderId)
      .executeTakeFirstOrThrow();
  }

  it('lists open requests with the buyer’s reason and a deadline 48 h after the request, soonest first', async () => {
    const open = await listOpenCancelRequests(world.context.db, world.company.id);
    const declinable = open.find((r) => r.amazonOrderId === order('declinable').orderId);
    expect(declinable?.buyerReason).toBe('Found it cheaper');
    expect(declinable!.respondBy!.getTime() - declinable!.requestedAt.getTime()).toBe(48 * 3_600_000);
    const deadlines = open.map((r) => r.respondBy!.getTime());
    expect(deadlines).toEqual([...deadlines].sort((a, b) => a - b));
  });

  it('accepting (BuyerCanceled) moves the hold to accepted; declining releases it and the order ships', async () => {
    const accepted = order('requested').orderId;
    // The guardrail test above may already have accepted it; accept only once.
    if ((await cancellationsOf(world, accepted)).length === 0)
      await cancel(world, { amazonOrderId: accepted, reason: 'BuyerCanceled' });
    expect(await holdOf(accepted)).toMatchObject({ cancel_request_state: 'accepted', on_hold: true });

    const kept = order('declinable');
    await expect(shipWhole(kept)).rejects.toThrow(/buyer cancellation request on hold/);
    expect(
      await declineCancelRequest(world.context.db, world.company.id, kept.orderId, world.now()),
    ).toMatchObject({
      state: 'declined',
      onHold: false,
    });
    expect(await holdOf(kept.orderId)).toMatchObject({ cancel_request_state: 'declined', on_hold: false });
    expect((await shipWhole(kept)).state).toBe('pending_upload');
    const open = await listOpenCancelRequests(world.context.db, world.company.id);
    expect(open.map((r) => r.amazonOrderId)).not.toContain(kept.orderId);
    await expect(
      declineCancelRequest(world.context.db, world.company.id, accepted, world.now()),
    ).rejects.toThrow(/cannot decline the cancellation request/);
  });
});

describe('units being cancelled cannot be shipped', () => {
  it('voids the shipments waiting for upload and refuses new ones; the upload never sends them', async () => {
    const waitingOrder = order('waiting');
    const waiting = await shipWhole(waitingOrder);
    const requested = await cancel(world, { amazonOrderId: waitingOrder.orderId, reason: 'NoInventory' });
    expect(requested.voidedShipments).toBe(1);
    const [voided] = await listShipments(world.context.db, world.company.id, { ids: [waiting.id] });
    expect(voided).toMatchObject({ state: 'voided', voidReason: expect.stringMatching(/units cancelled/) });
    await expect(shipWhole(waitingOrder)).rejects.toThrow(/only 0 left .*being cancelled 1/);

    const upload = await world.run('fulfillment-upload');
    expect(upload.run?.counts).toMatchObject({ shipments: 0 });
    expect((await world.simOrder(waitingOrder.orderId)).packages ?? []).toHaveLength(0);
  });

  it('keeps a partial cancellation’s remaining units shippable', async () => {
    const partial = order('partial');
    const item = partial.orderItems[0]!.orderItemId;
    await cancel(world, {
      amazonOrderId: partial.orderId,
      reason: 'NoInventory',
      items: [{ orderItemId: item, quantity: 1 }],
    });
    const ship = (quantity: number) =>
      world.recordShipment({
        amazonOrderId: partial.orderId,
        carrier: 'UPS',
        trackingNumber: '1Z999AA10123456784',
        shipDate: world.now().toISOString(),
        items: [{ orderItemId: item, quantity }],
      });
    await expect(ship(3)).rejects.toThrow(/only 2 left/);
    expect((await ship(2)).state).toBe('pending_upload');
  });
});

describe('inventory zeroing is recorded with NoInventory only', () => {
  it('records the SKUs with --zero-inventory or the company setting, never for other reasons', async () => {
    const [first, second, third] = [order('zero1'), order('zero2'), order('zero3')];
    await cancel(world, { amazonOrderId: first.orderId, reason: 'NoInventory', zeroInventory: true });
    await cancel(world, { amazonOrderId: second.orderId, reason: 'PricingError', zeroInventory: true });
    await updateCompany(world.context.db, world.context.config.keyring, world.company.id, {
      zeroInventoryOnNoStockCancel: true,
    });
    await cancel(world, { amazonOrderId: third.orderId, reason: 'NoInventory' });
    const skus = (await listZeroings(world.context.db, world.company.id)).map((z) => z.sku);
    expect(skus.sort()).toEqual(['SKU-ZERO-1', 'SKU-ZERO-3']);
    expect((await cancellationsOf(world, third.orderId))[0]?.zeroInventory).toBe(true);
  });
});
