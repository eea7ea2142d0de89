import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { updateCompany } from '../companies/companies.service.js';
import {
  startFulfillmentWorld,
  type FulfillmentWorld,
  type SimOrderView,
} from '../fulfillment/fulfillment.test-support.js';
import { refundableOf } from './refunds.service.js';
import { refund, shippedOrders } from './refunds.test-support.js';

/**
 * Refunds Amazon gave itself, found in settlements: they move the stored payment status (ours counted
 * once) and come off what is left to refund.
 */

let world: FulfillmentWorld;
let twoLines: SimOrderView;
let oneLine: SimOrderView;
let ours: SimOrderView;

beforeAll(async () => {
  world = await startFulfillmentWorld(1331);
  await updateCompany(world.context.db, world.context.config.keyring, world.company.id, {
    settlementReconciliation: true,
  });
  [twoLines, oneLine, ours] = (await shippedOrders(world, [
    {
      items: [
        { quantity: 1, unitPrice: '10.00' },
        { quantity: 1, unitPrice: '25.00' },
      ],
    },
    { items: [{ quantity: 1, unitPrice: '10.00' }] },
    { items: [{ quantity: 1, unitPrice: '10.00' }] },
  ])) as [SimOrderView, SimOrderView, SimOrderView];
});

afterAll(async () => {
  await world?.close();
});

async function storedStatus(amazonOrderId: string) {
  const row = await world.context.db
    .selectFrom('orders')
    .select('refund_payment_status')
    .where('company_id', '=', world.company.id)
    .where('amazon_order_id', '=', amazonOrderId)
    .executeTakeFirstOrThrow();
  return row.refund_payment_status;
}

async function settle() {
  await world.control('POST', '/settlements/close', {});
  const run = await world.run('settlement-reconciliation');
  expect(run.status).toBe('succeeded');
  return run;
}

describe('refunds Amazon gave itself', () => {
  it('moves to partially_refunded or refunded when a settlement shows refunds Amazon gave itself', async () => {
    await world.control('POST', `/orders/${twoLines.orderId}/refund`);
    await world.control('POST', `/orders/${oneLine.orderId}/refund`);
    const run = await settle();
    expect(run.run?.counts).toMatchObject({ amazon_refunds: 2 });
    expect(await storedStatus(twoLines.orderId)).toBe('partially_refunded');
    expect(await storedStatus(oneLine.orderId)).toBe('refunded');
  });

  it('counts our refund once when the settlement line confirming it arrives', async () => {
    // 10.80 of the 15.79 charged: counted twice it would be everything.
    await refund(world, {
      amazonOrderId: ours.orderId,
      reason: 'PriceError',
      items: [
        {
          orderItemId: ours.orderItems[0]!.orderItemId,
          components: [
            { component: 'Principal', amount: '10.00' },
            { component: 'Tax', amount: '0.80' },
          ],
        },
      ],
    });
    expect(await storedStatus(ours.orderId)).toBe('paid');
    await world.run('refund-upload');
    await world.finishFeeds();
    expect(await storedStatus(ours.orderId)).toBe('partially_refunded');

    await settle();
    const [line] = await world.context.db
      .selectFrom('settlement_refunds')
      .select(['initiated_by', 'matched_refund_id'])
      .where('amazon_order_id', '=', ours.orderId)
      .execute();
    expect(line).toMatchObject({ initiated_by: 'seller' });
    expect(line?.matched_refund_id).not.toBeNull();
    expect(await storedStatus(ours.orderId)).toBe('partially_refunded');
  });

  it('subtracts what Amazon refunded from what is left: the seller cannot refund it again', async () => {
    const [refundedLine, otherLine] = twoLines.orderItems.map((item) => item.orderItemId) as [string, string];
    const view = await refundableOf(world.context.db, world.company.id, twoLines.orderId);
    expect(view).toMatchObject({ paymentStatus: 'partially_refunded', refundedByAmazon: '15.79' });
    const line = (id: string) => view.lines.find((l) => l.orderItemId === id)?.components;
    expect(line(refundedLine)?.find((c) => c.component === 'Principal')).toMatchObject({
      charged: '10.00',
      refunded: '10.00',
      refundedByAmazon: '10.00',
      left: '0.00',
    });
    expect(line(otherLine)?.find((c) => c.component === 'Principal')).toMatchObject({
      refunded: '0.00',
      left: '25.00',
    });

    await expect(
      refund(world, {
        amazonOrderId: twoLines.orderId,
        reason: 'CustomerReturn',
        items: [{ orderItemId: refundedLine, components: [{ component: 'Principal', amount: '1.00' }] }],
      }),
    ).rejects.toThrow(/Principal: cannot refund 1.00, only 0.00 left \(charged 10.00, refunded 10.00/);
    const full = await refund(world, {
      amazonOrderId: twoLines.orderId,
      reason: 'CustomerReturn',
      full: true,
    });
    expect(full.refund.items.map((item) => item.orderItemId)).toEqual([otherLine]);
    expect(full.left).toBe('0.00');
  });
});
