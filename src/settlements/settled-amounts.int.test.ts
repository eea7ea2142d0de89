import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { updateCompany } from '../companies/companies.service.js';
import {
  startFulfillmentWorld,
  type FulfillmentWorld,
  type SimOrderView,
} from '../fulfillment/fulfillment.test-support.js';
import { listOpenDiscrepancies } from './discrepancies.repository.js';

/** Settled amounts against the order's, on settlements the simulated Amazon closes. */

let world: FulfillmentWorld;

beforeAll(async () => {
  world = await startFulfillmentWorld(1416);
  await updateCompany(world.context.db, world.context.config.keyring, world.company.id, {
    settlementReconciliation: true,
  });
});
afterAll(async () => world.close());

async function shipUnits(order: SimOrderView, quantity: number) {
  await world.recordShipment({
    amazonOrderId: order.orderId,
    carrier: 'UPS',
    trackingNumber: `1Z999AA1012345678${quantity}`,
    shipDate: world.now().toISOString(),
    items: [{ orderItemId: order.orderItems[0]!.orderItemId, quantity }],
  });
}

async function uploadShipments() {
  const upload = await world.run('fulfillment-upload');
  expect(upload.status).toBe('succeeded');
  await world.finishFeeds();
}

const differing = async () =>
  (await listOpenDiscrepancies(world.context.db, world.company.id)).filter(
    (row) => row.kind === 'settled_amount_differs',
  );

describe('settled amounts against the order', () => {
  it('waits for an item shipped in parts until every shipped unit is settled, and flags a principal settled otherwise', async () => {
    const split = await world.createOrder({ items: [{ quantity: 2, unitPrice: '15.00' }] });
    const corrected = await world.createOrder({ items: [{ quantity: 1, unitPrice: '12.00' }] });
    await world.downloadOrders();
    await shipUnits(split, 1);
    await world.shipWholeOrder(corrected);
    await uploadShipments();
    // Amazon settles the corrected order's principal a dollar short of what the order says.
    await world.control('POST', '/settlements/close', { principalOffsets: { [corrected.orderId]: -100 } });
    await shipUnits(split, 1);
    await uploadShipments();
    await world.downloadOrders();

    // The first settlement pays one unit of the split order, which now shows both shipped: not compared yet.
    const first = await world.run('settlement-reconciliation');
    expect(first.run?.counts).toMatchObject({ reports_ingested: 1, amounts_differ: 1 });
    const [flagged, ...others] = await differing();
    expect(others).toEqual([]);
    expect(flagged).toMatchObject({
      amazon_order_id: corrected.orderId,
      key: `${corrected.orderId}:${corrected.orderItems[0]!.orderItemId}`,
      detail: {
        components: ['Principal'],
        settled: { Principal: '11.00', Tax: '0.96', Shipping: '4.99' },
        order: { Principal: '12.00', Tax: '0.96', Shipping: '4.99' },
        problem: 'Principal settled 11.00, the order says 12.00',
      },
    });

    // The second settlement pays the other unit: both together are what the order says.
    await world.control('POST', '/settlements/close', {});
    const second = await world.run('settlement-reconciliation');
    expect(second.run?.counts).toMatchObject({ reports_ingested: 1, amounts_differ: 0 });
    expect((await differing()).map((row) => row.amazon_order_id)).toEqual([corrected.orderId]);
    const settledUnits = await world.context.db
      .selectFrom('settlement_lines')
      .select((eb) => eb.fn.sum<string>('quantity').as('units'))
      .where('order_id', '=', split.orderId)
      .where('amount_description', '=', 'Principal')
      .executeTakeFirstOrThrow();
    expect(Number(settledUnits.units)).toBe(2);
  });
});
