import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UsageError } from '../shared/errors.js';
import {
  startFulfillmentWorld,
  type FulfillmentWorld,
  type SimOrderView,
} from './fulfillment.test-support.js';
import { listShipments } from './shipments.repository.js';

let world: FulfillmentWorld;
const orders: Record<string, SimOrderView> = {};

beforeAll(async () => {
  world = await startFulfillmentWorld(45);
  orders.open = await world.createOrder({ items: [{ quantity: 2 }] });
  orders.cancelled = await world.createOrder({ items: [{ quantity: 1 }] });
  orders.cancelRequested = await world.createOrder({ items: [{ quantity: 1 }] });
  orders.pending = await world.createOrder({ items: [{ quantity: 1 }], pendingMinutes: 600 });
  orders.fba = await world.createOrder({ items: [{ quantity: 1 }], fulfilledBy: 'AMAZON' });
  await world.control('POST', `/orders/${orders.cancelled.orderId}/cancel`, {
    reason: 'Cancelled by Amazon',
  });
  await world.control('POST', `/orders/${orders.cancelRequested.orderId}/buyer-cancel-request`, {});
  await world.downloadOrders();
});

afterAll(async () => {
  await world?.close();
});

function ship(order: SimOrderView, overrides: Record<string, unknown> = {}) {
  return world.recordShipment({
    amazonOrderId: order.orderId,
    carrier: 'UPS',
    trackingNumber: '1Z999AA10123456784',
    shipDate: world.now().toISOString(),
    items: [{ orderItemId: order.orderItems[0]!.orderItemId, quantity: 1 }],
    ...overrides,
  });
}

describe('recording a shipment', () => {
  it.each([
    ['a cancelled order', () => ship(orders.cancelled!), /is cancelled/],
    [
      'an order with a buyer cancellation request on hold',
      () => ship(orders.cancelRequested!),
      /cancellation request/,
    ],
    ['a Pending order', () => ship(orders.pending!), /is Pending/],
    ['an order fulfilled by Amazon', () => ship(orders.fba!), /fulfilled by Amazon/],
    ['an unknown order', () => ship({ ...orders.open!, orderId: '111-0000000-0000000' }), /is not known/],
    [
      'an unknown item',
      () => ship(orders.open!, { items: [{ orderItemId: '99999999999999', quantity: 1 }] }),
      /has no item 99999999999999/,
    ],
    [
      'a ship date in the future',
      () => ship(orders.open!, { shipDate: new Date(world.now().getTime() + 86_400_000).toISOString() }),
      /in the future/,
    ],
    [
      'a ship date before the purchase',
      () => ship(orders.open!, { shipDate: '2020-01-01' }),
      /before the purchase date/,
    ],
    [
      'a malformed tracking number of a known carrier',
      () => ship(orders.open!, { trackingNumber: '12345' }),
      /not a UPS tracking number/,
    ],
    [
      'more than is left to ship',
      () =>
        ship(orders.open!, {
          items: [{ orderItemId: orders.open!.orderItems[0]!.orderItemId, quantity: 3 }],
        }),
      /only 2 left/,
    ],
    [
      'a malformed order id',
      () => ship(orders.open!, { amazonOrderId: 'not-an-order' }),
      /amazonOrderId: expected an Amazon order id/,
    ],
  ])('refuses %s with a clear message and stores nothing', async (_case, attempt, message) => {
    const error = await attempt().catch((err: unknown) => err);
    expect(error).toBeInstanceOf(UsageError);
    expect((error as Error).message).toMatch(message);
    expect(await listShipments(world.context.db, world.company.id)).toEqual([]);
  });

  it('records a package of a carrier outside Amazon’s list as Other with its name, from the default ship-from address', async () => {
    const recorded = await ship(orders.open!, {
      carrier: 'Hermes Express Nord',
      trackingNumber: 'HX-0042/7',
    });
    expect(recorded).toMatchObject({
      state: 'pending_upload',
      carrierCode: 'Other',
      carrierName: 'Hermes Express Nord',
      trackingNumber: 'HX-0042/7',
      shipFrom: { line1: '1 Dock Road', city: 'Reno', country: 'US' },
    });
    // The second unit is still free; a third is not.
    await ship(orders.open!, { trackingNumber: '1Z999AA10123456785' });
    await expect(ship(orders.open!)).rejects.toThrow(/only 0 left/);
  });
});
