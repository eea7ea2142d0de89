import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UsageError } from '../shared/errors.js';
import {
  startFulfillmentWorld,
  type FulfillmentWorld,
  type SimOrderView,
} from './fulfillment.test-support.js';
import { recordShipment } from './shipments.service.js';

/** Amazon's clock 10 minutes ahead of ours: both pinned to the simulator's. */
const AMAZON_AHEAD_MS = 10 * 60_000;

let world: FulfillmentWorld;
let order: SimOrderView;
/** Amazon's time when the order was placed (its purchase date, to the second). */
let placedAt: Date;
const ours = (): Date => new Date(world.server.sim.clock.now().getTime() - AMAZON_AHEAD_MS);

beforeAll(async () => {
  world = await startFulfillmentWorld(2026);
  world.context.now = ours;
  placedAt = world.server.sim.clock.now();
  order = await world.createOrder({ items: [{ quantity: 1 }] });
  // Past Amazon's settling lag (2 min), so the download's window holds the order: placed 3 minutes ago.
  await world.advance(3);
  for (let run = 0; run < 2; run++) expect((await world.run('order-download')).status).toBe('succeeded');
});

afterAll(async () => {
  await world?.close();
});

function shipAt(shipDate: Date) {
  return recordShipment(
    world.context.db,
    world.company.id,
    {
      amazonOrderId: order.orderId,
      carrier: 'UPS',
      trackingNumber: '1Z999AA10123456784',
      shipDate: shipDate.toISOString(),
      items: [{ orderItemId: order.orderItems[0]!.orderItemId, quantity: 1 }],
    },
    ours(),
  );
}

describe('the ship date with Amazon’s clock ahead of ours', () => {
  it('ships now an order Amazon placed less than the skew ago (its purchase date is after our now)', async () => {
    expect(placedAt.getTime()).toBeGreaterThan(ours().getTime());
    const shipment = await shipAt(ours());
    expect(shipment).toMatchObject({ state: 'pending_upload', amazonOrderId: order.orderId });
  });

  it('still refuses a ship date in the future of our clock, and one before the purchase on Amazon’s', async () => {
    const future = shipAt(new Date(ours().getTime() + 6 * 60_000));
    await expect(future).rejects.toThrow(UsageError);
    await expect(future).rejects.toThrow(/is in the future/);
    const beforePurchase = new Date(placedAt.getTime() - AMAZON_AHEAD_MS - 60_000);
    await expect(shipAt(beforePurchase)).rejects.toThrow(/before the purchase date/);
  });
});
