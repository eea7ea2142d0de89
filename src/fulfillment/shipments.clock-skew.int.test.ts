import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadCursor } from '../jobs/sync-cursors.repository.js';
import { ORDERS_STREAM, type OrderCursor } from '../orders/download-window.js';
import { UsageError } from '../shared/errors.js';
import {
  startFulfillmentWorld,
  type FulfillmentWorld,
  type SimOrderView,
} from './fulfillment.test-support.js';
import { listShipments } from './shipments.repository.js';
import { recordShipment } from './shipments.service.js';

/** Amazon's clock 10 minutes ahead of ours: ours is pinned to the simulator's, 10 minutes back. */
const AMAZON_AHEAD_MS = 10 * 60_000;

let world: FulfillmentWorld;
let order: SimOrderView;
/** Amazon's purchase date of the order (its clock when the order was placed). */
let purchasedAt: Date;
const amazonNow = (): Date => world.server.sim.clock.now();
const ours = (): Date => new Date(amazonNow().getTime() - AMAZON_AHEAD_MS);

beforeAll(async () => {
  world = await startFulfillmentWorld(2026);
  world.context.now = ours;
  order = await world.createOrder({ items: [{ quantity: 3 }] });
  purchasedAt = new Date(order.createdTime);
  // Placed 3 minutes ago on Amazon's clock (past its settling lag of 2 minutes, so downloads see it).
  await world.advance(3);
  for (let run = 0; run < 2; run++) expect((await world.run('order-download')).status).toBe('succeeded');
});

afterAll(async () => {
  await world?.close();
});

function ship(shipDate: string | undefined) {
  return recordShipment(
    world.context.db,
    world.company.id,
    {
      amazonOrderId: order.orderId,
      carrier: 'UPS',
      trackingNumber: '1Z999AA10123456784',
      ...(shipDate === undefined ? {} : { shipDate }),
      items: [{ orderItemId: order.orderItems[0]!.orderItemId, quantity: 1 }],
    },
    ours(),
  );
}

describe('the ship date with Amazon’s clock 10 minutes ahead of ours', () => {
  it('has the offset measured by the order download, and the order placed in our future', async () => {
    const cursor = await loadCursor<OrderCursor>(world.context.db, world.company.id, ORDERS_STREAM);
    // Amazon's Date header has whole seconds.
    expect(Math.abs((cursor?.clockOffsetMs ?? 0) - AMAZON_AHEAD_MS)).toBeLessThan(2_000);
    expect(purchasedAt.getTime()).toBeGreaterThan(ours().getTime());
  });

  it('still refuses an explicit ship date before the purchase, saying why', async () => {
    const refusal = async (shipDate: string) => (await ship(shipDate).catch((err: unknown) => err)) as Error;
    // Our clock's now, given as an instant: sent as it is, so before Amazon's purchase date.
    const given = ours().toISOString();
    const ourNow = await refusal(given);
    expect(ourNow).toBeInstanceOf(UsageError);
    expect(ourNow.message).toBe(
      `ship date ${given} is before the purchase date ${purchasedAt.toISOString()}; ` +
        "Amazon's clock is ahead of ours: give now as the ship date (or none) to ship at Amazon's now",
    );
    const longBefore = await refusal(new Date(purchasedAt.getTime() - 3_600_000).toISOString());
    expect(longBefore.message).toMatch(/is before the purchase date/);
    // An explicit instant is judged against our clock, as before: 8 minutes ahead of it is in the future.
    const ahead = await refusal(new Date(ours().getTime() + 8 * 60_000).toISOString());
    expect(ahead.message).toMatch(/is in the future/);
    expect(await listShipments(world.context.db, world.company.id)).toEqual([]);
  });
  it('ships at now, given as now or not at all: the date stored and sent is Amazon’s now, after the purchase', async () => {
    const before = amazonNow().getTime();
    const omitted = await ship(undefined);
    const spelled = await ship(' NOW ');
    const after = amazonNow().getTime();
    for (const shipment of [omitted, spelled]) {
      expect(shipment.state).toBe('pending_upload');
      expect(shipment.shipDate.getTime()).toBeGreaterThan(purchasedAt.getTime());
      expect(shipment.shipDate.getTime()).toBeGreaterThanOrEqual(before - 2_000);
      expect(shipment.shipDate.getTime()).toBeLessThanOrEqual(after);
    }

    expect((await world.run('fulfillment-upload')).status).toBe('succeeded');
    await world.finishFeeds();
    const stored = await listShipments(world.context.db, world.company.id);
    expect(stored.map((s) => s.state)).toEqual(['confirmed', 'confirmed']);
    const sent = (world.server.sim.store.orders.get(order.orderId)?.packages ?? []).map((p) => p.shipTime);
    // Amazon's copy has the ship date of the feed (FulfillmentDate).
    expect(sent.map((date) => date.getTime()).sort((a, b) => a - b)).toEqual(
      [omitted, spelled].map((s) => s.shipDate.getTime()).sort((a, b) => a - b),
    );
    for (const date of sent) expect(date.getTime()).toBeGreaterThan(purchasedAt.getTime());
  });
});
