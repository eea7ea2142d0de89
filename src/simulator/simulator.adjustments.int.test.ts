import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { applyOrderFeed, parseOrderFeed } from './feed-processor.js';
import { createOrder } from './generator.js';
import { shipOrder } from './order-actions.js';
import { startSimulator, type SimulatorServer } from './server.js';
import { envelope } from './sim-client.test-support.js';
import { DEFAULT_SELLER } from './simulation.js';

/** Payment-adjustment feeds applied as Amazon applies them: balances per component, and Amazon's refusals. */

const JP_SELLER = {
  ...DEFAULT_SELLER,
  sellerId: 'A2SIMULATEDJP01',
  marketplaceId: 'A1VC38T7YXB528',
  currency: 'JPY',
};
let server: SimulatorServer;

beforeEach(async () => {
  server = await startSimulator({ seed: 7, ordersPerHour: 0 });
  server.sim.store.sellers.set(JP_SELLER.sellerId, JP_SELLER);
});
afterEach(async () => server.close());

function shippedOrder(spec: Record<string, unknown>, ship = true) {
  const sim = server.sim;
  const at = sim.now();
  const orderId = createOrder(
    sim,
    { pendingMinutes: 0, items: [{ quantity: 1, unitPrice: '10.00', customized: false }], ...spec },
    at,
  );
  const order = sim.store.orders.get(orderId)!;
  order.status = 'UNSHIPPED';
  if (ship)
    shipOrder(
      sim.store,
      order,
      { carrier: 'UPS', shipTime: at },
      at,
      order.fulfilledBy === 'AMAZON' ? 'AMAZON' : 'MERCHANT',
    );
  return order;
}

function adjust(
  sellerId: string,
  orderId: string,
  itemId: string,
  components: [string, string][],
  merchantId = 'SSR1-1',
) {
  const body = `<OrderAdjustment><AmazonOrderID>${orderId}</AmazonOrderID><ActionType>Refund</ActionType><AdjustedItem><AmazonOrderItemCode>${itemId}</AmazonOrderItemCode><MerchantAdjustmentItemID>${merchantId}</MerchantAdjustmentItemID><AdjustmentReason>CustomerReturn</AdjustmentReason><ItemPriceAdjustments>${components
    .map(
      ([type, amount]) =>
        `<Component><Type>${type}</Type><Amount currency="USD">${amount}</Amount></Component>`,
    )
    .join('')}</ItemPriceAdjustments></AdjustedItem></OrderAdjustment>`;
  return applyOrderFeed(
    server.sim,
    sellerId,
    parseOrderFeed(envelope('OrderAdjustment', [body])),
    server.sim.now(),
  );
}

describe('payment adjustments in the simulator', () => {
  it('keeps a balance per component: Shipping refunded in full is refused a second time, Principal still refundable', async () => {
    const order = shippedOrder({});
    const item = order.items[0]!;
    expect(adjust(DEFAULT_SELLER.sellerId, order.orderId, item.orderItemId, [['Shipping', '4.99']])).toEqual(
      [],
    );
    const [again] = adjust(DEFAULT_SELLER.sellerId, order.orderId, item.orderItemId, [['Shipping', '0.01']]);
    expect(again?.description).toMatch(/item price is not eligible: Shipping .* more than the amount left/);
    expect(
      adjust(DEFAULT_SELLER.sellerId, order.orderId, item.orderItemId, [
        ['Principal', '10.00'],
        ['RestockingFee', '-2.00'],
      ]),
    ).toEqual([]);
    expect(item.refundedComponents).toEqual({ Shipping: 499, Principal: 1000, RestockingFee: -200 });
    const [goodwill] = adjust(DEFAULT_SELLER.sellerId, order.orderId, item.orderItemId, [
      ['Goodwill', '1.00'],
    ]);
    expect(goodwill?.description).toMatch(/more than is left to refund of order/);
  });

  it('lets gift wrap and its tax be refunded up to what was charged, not one cent more, nor on an unwrapped item', async () => {
    const order = shippedOrder({
      items: [{ quantity: 1, unitPrice: '10.00', customized: false, giftWrapPrice: '3.99' }],
    });
    const item = order.items[0]!;
    const refund = (components: [string, string][]) =>
      adjust(DEFAULT_SELLER.sellerId, order.orderId, item.orderItemId, components);
    const [overWrap] = refund([['GiftWrap', '4.00']]);
    expect(overWrap?.description).toMatch(/GiftWrap .* more than the amount left to refund/);
    expect(
      refund([
        ['GiftWrap', '3.99'],
        ['GiftWrapTax', '0.32'],
      ]),
    ).toEqual([]);
    const [again] = refund([['GiftWrapTax', '0.01']]);
    expect(again?.description).toMatch(/GiftWrapTax .* more than the amount left to refund/);
    expect(item.refundedComponents).toEqual({ GiftWrap: 399, GiftWrapTax: 32 });

    const plain = shippedOrder({});
    const [unwrapped] = adjust(DEFAULT_SELLER.sellerId, plain.orderId, plain.items[0]!.orderItemId, [
      ['GiftWrap', '0.01'],
    ]);
    expect(unwrapped?.description).toMatch(/GiftWrap .* more than the amount left to refund/);
  });

  it('refuses unshipped items, FBA orders, negative amounts and a separate Tax in Japan, leaving the order untouched', async () => {
    const unshipped = shippedOrder({}, false);
    const [notShipped] = adjust(DEFAULT_SELLER.sellerId, unshipped.orderId, unshipped.items[0]!.orderItemId, [
      ['Principal', '1.00'],
    ]);
    expect(notShipped?.description).toMatch(/has not been charged \(not shipped\)/);
    const fba = shippedOrder({ fulfilledBy: 'AMAZON' });
    const [byAmazon] = adjust(DEFAULT_SELLER.sellerId, fba.orderId, fba.items[0]!.orderItemId, [
      ['Principal', '1.00'],
    ]);
    expect(byAmazon?.description).toMatch(/fulfilled by Amazon; Amazon handles its refunds/);
    const us = shippedOrder({});
    const [negative] = adjust(DEFAULT_SELLER.sellerId, us.orderId, us.items[0]!.orderItemId, [
      ['Principal', '-1.00'],
    ]);
    expect(negative?.description).toMatch(/negative/);

    const jp = shippedOrder({ sellerId: JP_SELLER.sellerId });
    const jpItem = jp.items[0]!;
    const [tax] = adjust(JP_SELLER.sellerId, jp.orderId, jpItem.orderItemId, [
      ['Principal', '1.00'],
      ['Tax', '0.80'],
    ]);
    expect(tax?.description).toMatch(/refund amount for the tax or shipping tax is not eligible/);
    expect(jpItem.refundedComponents ?? {}).toEqual({});
    // The tax folded into Principal is refundable: 10.00 + 0.80.
    expect(adjust(JP_SELLER.sellerId, jp.orderId, jpItem.orderItemId, [['Principal', '10.80']])).toEqual([]);
  });

  it('books the refund in the open settlement period with its MerchantAdjustmentItemID and the refund commission', async () => {
    const order = shippedOrder({});
    const item = order.items[0]!;
    adjust(
      DEFAULT_SELLER.sellerId,
      order.orderId,
      item.orderItemId,
      [
        ['Principal', '10.00'],
        ['Tax', '0.80'],
      ],
      'SSR9-' + item.orderItemId,
    );
    const lines =
      server.sim.store.openPeriods
        .get(DEFAULT_SELLER.sellerId)
        ?.lines.filter((l) => l.transactionType === 'Refund') ?? [];
    expect(
      lines.map((l) => [l.amountType, l.amountDescription, l.amountCents, l.merchantAdjustmentItemId]),
    ).toEqual([
      ['ItemPrice', 'Principal', -1000, `SSR9-${item.orderItemId}`],
      ['ItemPrice', 'Tax', -80, `SSR9-${item.orderItemId}`],
      ['ItemFees', 'Commission', 150, `SSR9-${item.orderItemId}`],
      ['ItemFees', 'RefundCommission', -30, `SSR9-${item.orderItemId}`],
    ]);
  });
});
