import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { validateOrderFeed } from '../amazon/feed-schema.js';
import {
  startFulfillmentWorld,
  type FulfillmentWorld,
  type SimOrderView,
} from '../fulfillment/fulfillment.test-support.js';
import { refundableOf } from './refunds.service.js';
import { adjustmentFeeds, refund, refundsOf, shippedOrders, simRefunds } from './refunds.test-support.js';

let world: FulfillmentWorld;
let full: SimOrderView;
let partial: SimOrderView;
let lines: SimOrderView;
let overtaken: SimOrderView;

beforeAll(async () => {
  world = await startFulfillmentWorld(1301);
  [full, partial, lines, overtaken] = (await shippedOrders(world, [
    { items: [{ quantity: 1, unitPrice: '10.00' }] },
    { items: [{ quantity: 2, unitPrice: '10.00' }] },
    {
      items: [
        { quantity: 1, unitPrice: '10.00' },
        { quantity: 1, unitPrice: '25.00' },
      ],
    },
    { items: [{ quantity: 1, unitPrice: '30.00' }] },
  ])) as [SimOrderView, SimOrderView, SimOrderView, SimOrderView];
});

afterAll(async () => {
  await world?.close();
});

const itemOf = (order: SimOrderView, index = 0) => order.orderItems[index]!.orderItemId;

describe('refund upload against the simulator', () => {
  it('refunds a whole order: one XSD-valid adjustment feed, accepted, refunded on both sides', async () => {
    const requested = await refund(world, {
      amazonOrderId: full.orderId,
      reason: 'CustomerReturn',
      full: true,
    });
    expect(requested.refund.items[0]?.components.map((c) => [c.component, c.amount])).toEqual([
      ['Principal', '10.00'],
      ['Tax', '0.80'],
      ['Shipping', '4.99'],
    ]);
    expect(requested.left).toBe('0.00');

    const upload = await world.run('refund-upload');
    expect(upload.run?.counts).toMatchObject({ refunds: 1, feeds: 1, invalid: 0 });
    expect((await refundsOf(world, full.orderId))[0]?.state).toBe('in_feed');
    const [sent] = await adjustmentFeeds(world);
    const merchantId = requested.refund.items[0]!.merchantAdjustmentItemId;
    expect(sent?.content).toContain(`<MerchantAdjustmentItemID>${merchantId}</MerchantAdjustmentItemID>`);
    expect(sent?.content).toContain('<AdjustmentReason>CustomerReturn</AdjustmentReason>');
    expect(sent?.content).toContain(
      '<Component><Type>Tax</Type><Amount currency="USD">0.80</Amount></Component>',
    );
    expect((await validateOrderFeed(sent!.content)).errors).toEqual([]);

    await world.finishFeeds();
    expect((await refundsOf(world, full.orderId))[0]).toMatchObject({
      state: 'accepted',
      initiatedBy: 'seller',
    });
    const view = await refundableOf(world.context.db, world.company.id, full.orderId);
    expect(view).toMatchObject({
      paymentStatus: 'refunded',
      charged: '15.79',
      refunded: '15.79',
      left: '0.00',
    });
    expect(await simRefunds(world, full.orderId)).toEqual([
      { orderItemId: itemOf(full), refundedComponents: { Principal: 1000, Tax: 80, Shipping: 499 } },
    ]);
  });

  it('refunds part of a line (a line total, one unit of two): partially refunded, the rest still refundable', async () => {
    await refund(world, {
      amazonOrderId: partial.orderId,
      reason: 'PriceError',
      items: [{ orderItemId: itemOf(partial), components: [{ component: 'Principal', amount: '4' }] }],
      quantity: 1,
    });
    await world.run('refund-upload');
    const sent = (await adjustmentFeeds(world)).at(-1);
    expect(sent?.content).toMatch(
      /<Amount currency="USD">4.00<\/Amount><\/Component><\/ItemPriceAdjustments><Quantity>1<\/Quantity>/,
    );
    await world.finishFeeds();
    const view = await refundableOf(world.context.db, world.company.id, partial.orderId);
    expect(view.paymentStatus).toBe('partially_refunded');
    expect(view.lines[0]?.components.find((c) => c.component === 'Principal')).toMatchObject({
      charged: '20.00',
      refunded: '4.00',
      inFlight: '0.00',
      left: '16.00',
    });
    expect((await simRefunds(world, partial.orderId))[0]?.refundedComponents).toEqual({ Principal: 400 });
  });

  it('refunds one line of two: only that AdjustedItem is sent', async () => {
    const second = itemOf(lines, 1);
    await refund(world, {
      amazonOrderId: lines.orderId,
      reason: 'DifferentItem',
      items: [
        {
          orderItemId: second,
          components: [
            { component: 'Principal', amount: '25.00' },
            { component: 'Tax', amount: '2.00' },
          ],
        },
      ],
    });
    await world.run('refund-upload');
    const sent = (await adjustmentFeeds(world)).at(-1);
    expect(sent?.content.match(/<AdjustedItem>/g)).toHaveLength(1);
    expect(sent?.content).toContain(`<AmazonOrderItemCode>${second}</AmazonOrderItemCode>`);
    await world.finishFeeds();
    expect((await refundsOf(world, lines.orderId))[0]?.state).toBe('accepted');
    const onAmazon = await simRefunds(world, lines.orderId);
    expect(onAmazon.find((r) => r.orderItemId === second)?.refundedComponents).toEqual({
      Principal: 2500,
      Tax: 200,
    });
    expect(onAmazon.find((r) => r.orderItemId === itemOf(lines))?.refundedComponents).toEqual({});
  });

  it('shows Amazon’s message when Amazon refused the refund (it had refunded the item itself meanwhile)', async () => {
    await refund(world, {
      amazonOrderId: overtaken.orderId,
      reason: 'CustomerReturn',
      items: [{ orderItemId: itemOf(overtaken), components: [{ component: 'Principal', amount: '30.00' }] }],
    });
    await world.control('POST', `/orders/${overtaken.orderId}/refund`);
    await world.run('refund-upload');
    await world.finishFeeds();
    const [rejected] = await refundsOf(world, overtaken.orderId);
    expect(rejected).toMatchObject({ state: 'rejected', resultCode: '18028' });
    expect(rejected?.resultMessage).toMatch(/item price is not eligible/);
    // A rejected refund no longer counts against what is left.
    const view = await refundableOf(world.context.db, world.company.id, overtaken.orderId);
    expect(view.inFlight).toBe('0.00');
  });
});
