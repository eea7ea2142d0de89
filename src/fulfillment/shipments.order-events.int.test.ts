import { describe, expect, it } from 'vitest';
import { decideBuyerCancellation } from '../orders/buyer-cancellation.js';
import {
  placeOrders,
  runDownload,
  simulatedOrders,
  useSimulatedSellers,
  type SimulatedSeller,
} from '../orders/download.test-support.js';
import { findOrderWithItems } from '../orders/orders.service.js';
import { UsageError } from '../shared/errors.js';
import { MINUTE } from '../simulator/clock.js';
import { cancelOrder, requestBuyerCancel, touch } from '../simulator/order-actions.js';
import { ORDER_EVENTS } from '../wiring.js';
import { listShipments } from './shipments.repository.js';
import { recordShipment } from './shipments.service.js';

const sellers = useSimulatedSellers();

/** A seller with one merchant order, downloaded as the job does it (fulfillment listening). */
async function sellerWithOneOrder() {
  const seller = await sellers.newSeller();
  const [orderId = ''] = placeOrders(seller, [{ fulfilledBy: 'MERCHANT', programs: [] }]);
  seller.server.sim.advance(40 * MINUTE);
  await download(seller);
  const simOrder = simulatedOrders(seller).find((order) => order.orderId === orderId);
  const stored = await findOrderWithItems(sellers.context.db, seller.company.id, orderId);
  if (!simOrder || !stored?.items[0]) throw new Error('order missing');
  return { seller, orderId, simOrder, orderItemId: stored.items[0].orderItemId };
}

const download = (seller: SimulatedSeller) =>
  runDownload(sellers.context, seller, { orderEvents: ORDER_EVENTS });

function ship(seller: SimulatedSeller, orderId: string, orderItemId: string) {
  return recordShipment(
    sellers.context.db,
    seller.company.id,
    {
      amazonOrderId: orderId,
      carrier: 'UPS',
      trackingNumber: '1Z999AA10123456784',
      shipDate: seller.server.sim.now().toISOString(),
      shipFrom: {
        name: 'Warehouse',
        line1: '1 Dock Road',
        city: 'Reno',
        state: 'NV',
        postalCode: '89501',
        country: 'US',
      },
      items: [{ orderItemId, quantity: 1 }],
    },
    seller.server.sim.now(),
  );
}

describe('an order cancelled on Amazon', () => {
  it('voids its shipment not yet sent to Amazon, in the download that stores the cancellation', async () => {
    const { seller, orderId, simOrder, orderItemId } = await sellerWithOneOrder();
    await ship(seller, orderId, orderItemId);
    cancelOrder(simOrder, 'AMAZON', 'Payment could not be verified', seller.server.sim.now());
    seller.server.sim.advance(3 * MINUTE);

    const counts = await download(seller);
    expect(counts).toMatchObject({ cancelled: 1, shipmentsVoided: 1 });
    const [shipment] = await listShipments(sellers.context.db, seller.company.id, {
      amazonOrderIds: [orderId],
    });
    expect(shipment?.state).toBe('voided');
    expect(shipment?.voidReason).toMatch(/AMAZON: Payment could not be verified/);
  });
});

describe('an order held by a buyer cancellation request', () => {
  it('cannot be shipped until the seller declines the request', async () => {
    const { seller, orderId, simOrder, orderItemId } = await sellerWithOneOrder();
    requestBuyerCancel(simOrder, 'Ordered by mistake', seller.server.sim.now());
    seller.server.sim.advance(3 * MINUTE);
    await download(seller);
    await expect(ship(seller, orderId, orderItemId)).rejects.toThrow(UsageError);

    await decideBuyerCancellation(
      sellers.context.db,
      seller.company.id,
      orderId,
      'declined',
      seller.server.sim.now(),
    );
    touch(simOrder, seller.server.sim.now());
    seller.server.sim.advance(3 * MINUTE);
    await download(seller);
    await expect(ship(seller, orderId, orderItemId)).resolves.toMatchObject({ amazonOrderId: orderId });
  }, 60_000);
});
