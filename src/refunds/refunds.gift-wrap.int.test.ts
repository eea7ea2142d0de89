import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  startFulfillmentWorld,
  type FulfillmentWorld,
  type SimOrderView,
} from '../fulfillment/fulfillment.test-support.js';
import { findOrderWithItems } from '../orders/orders.service.js';
import { refundableOf } from './refunds.service.js';
import { refund, refundsOf, shippedOrders, simRefunds } from './refunds.test-support.js';

/** Gift wrap is charged per item (Amazon's GIFT_WRAP breakdown and its tax): refundable up to that. */

let world: FulfillmentWorld;
let wrapped: SimOrderView;

beforeAll(async () => {
  world = await startFulfillmentWorld(1307);
  [wrapped] = (await shippedOrders(world, [
    { items: [{ quantity: 2, unitPrice: '10.00', giftWrapPrice: '3.99' }] },
  ])) as [SimOrderView];
});

afterAll(async () => {
  await world?.close();
});

const componentOf = async (component: string) =>
  (await refundableOf(world.context.db, world.company.id, wrapped.orderId)).lines[0]?.components.find(
    (c) => c.component === component,
  );

const refundWrap = (components: { component: string; amount: string }[]) =>
  refund(world, {
    amazonOrderId: wrapped.orderId,
    reason: 'CustomerReturn',
    items: [{ orderItemId: wrapped.orderItems[0]!.orderItemId, components }],
  });

describe('gift wrap refunds', () => {
  it('stores the gift wrap and its tax from the download and counts them as charged', async () => {
    const stored = await findOrderWithItems(world.context.db, world.company.id, wrapped.orderId);
    expect(stored?.items[0]).toMatchObject({ giftWrapLevel: 'STANDARD' });
    expect(Number(stored?.items[0]?.giftWrapPrice)).toBe(3.99);
    expect(Number(stored?.items[0]?.giftWrapTax)).toBe(0.32);
    expect(await componentOf('GiftWrap')).toMatchObject({ charged: '3.99', left: '3.99' });
    expect(await componentOf('GiftWrapTax')).toMatchObject({ charged: '0.32', left: '0.32' });
  });

  it('refunds the gift wrap up to what was charged; Amazon accepts it; one cent more is refused', async () => {
    await refundWrap([
      { component: 'GiftWrap', amount: '3.99' },
      { component: 'GiftWrapTax', amount: '0.32' },
    ]);
    const upload = await world.run('refund-upload');
    expect(upload.run?.counts).toMatchObject({ refunds: 1, feeds: 1, invalid: 0 });
    await world.finishFeeds();
    expect((await refundsOf(world, wrapped.orderId))[0]?.state).toBe('accepted');
    expect((await simRefunds(world, wrapped.orderId))[0]?.refundedComponents).toEqual({
      GiftWrap: 399,
      GiftWrapTax: 32,
    });
    expect(await componentOf('GiftWrap')).toMatchObject({ charged: '3.99', refunded: '3.99', left: '0.00' });

    await expect(refundWrap([{ component: 'GiftWrap', amount: '0.01' }])).rejects.toThrow(
      /GiftWrap.*cannot refund 0.01, only 0.00 left/,
    );
  });
});
