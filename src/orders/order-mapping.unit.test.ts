import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AmazonResponseError } from '../amazon/errors.js';
import type { AmazonOrder } from '../amazon/port.js';
import { orderSchema, searchOrdersResponseSchema } from '../amazon/schemas/orders.schema.js';
import { parseEach, parseResponse } from '../amazon/validate.js';
import { createLogger } from '../shared/logger.js';
import { mapAmazonOrder } from './order-mapping.js';
import { draftsOf } from './search-pages.js';

interface ModelOperation {
  responses: Record<string, { examples?: { 'application/json': { orders: unknown[] } } }>;
}

/** The fully populated order of Amazon's searchOrders response example (orders_2026-01-01.json). */
function exampleOrder(): Record<string, unknown> {
  const model = JSON.parse(
    readFileSync(resolve(process.cwd(), '../shared/amazon/models/orders_2026-01-01.json'), 'utf8'),
  ) as {
    paths: Record<string, { get: ModelOperation }>;
  };
  const orders =
    model.paths['/orders/2026-01-01/orders']?.get.responses['200']?.examples?.['application/json'].orders;
  return structuredClone(orders?.[0]) as Record<string, unknown>;
}

function withFulfillment(order: Record<string, unknown>, changes: Record<string, unknown>) {
  return { ...order, fulfillment: { ...(order.fulfillment as object), ...changes } };
}

const logger = createLogger({ level: 'silent', pretty: false });

/** An order as the gateway hands it over, validated at the edge on its own; a rejected one throws its error. */
function parseAmazonOrder(order: unknown, operation = 'searchOrders'): AmazonOrder {
  const page = parseResponse(operation, searchOrdersResponseSchema, { orders: [order] }, logger);
  const { valid, rejected } = parseEach(operation, orderSchema, page, 'orders', logger);
  if (rejected[0]) throw rejected[0];
  return valid[0] as AmazonOrder;
}

const map = (order: unknown) => mapAmazonOrder(parseAmazonOrder(order));

describe('mapping an Orders API 2026-01-01 order', () => {
  it('keeps the purchase date, money as exact decimals, ship windows and items from Amazon’s example', () => {
    const draft = map(exampleOrder());
    expect(draft).toMatchObject({
      amazonOrderId: '123-4567890-1234567',
      marketplaceId: 'ATVPDKIKX0DER',
      salesChannel: 'Amazon.com',
      isCheckoutByAmazon: false,
      purchaseDate: new Date('2024-12-25T10:30:00Z'),
      lastUpdatedAt: new Date('2024-12-25T14:45:00Z'),
      status: 'Shipped',
      fulfillmentChannel: 'MFN',
      serviceLevel: 'STANDARD',
      latestShipDate: new Date('2024-12-27T23:59:59Z'),
      latestDeliveryDate: new Date('2024-12-30T23:59:59Z'),
      orderTotal: '154.99',
      currency: 'USD',
      paymentStatus: 'complete',
      replacedOrderId: '123-4567890-1234566',
      buyer: { name: 'John Smith', email: 'buyer-email@marketplace.amazon.com' },
    });
    expect(draft.items[0]).toMatchObject({
      orderItemId: '12345678901234',
      sku: 'ECHO-DOT-4-CHARCOAL',
      asin: 'B08N5WRWNW',
      quantityOrdered: 2,
      quantityShipped: 2,
      unitPrice: '49.99',
      itemPrice: '99.98',
      itemTax: '0.02',
      promotionIds: ['PROMO-HOLIDAY-2024'],
      customizedUrl: 'https://amazon.com/custom/view/12345',
      cancelRequested: true,
    });
    expect(draft.recipient?.city).toBe('Seattle');
  });

  it.each([
    ['PENDING_AVAILABILITY', 'PendingAvailability', 'pending'],
    ['PENDING', 'Pending', 'pending'],
    ['UNSHIPPED', 'Unshipped', 'complete'],
    ['PARTIALLY_SHIPPED', 'PartiallyShipped', 'complete'],
    ['SHIPPED', 'Shipped', 'complete'],
    ['CANCELLED', 'Canceled', 'pending'],
    ['UNFULFILLABLE', 'Unfulfillable', 'complete'],
  ])('maps fulfillment status %s to %s with payment %s', (amazonStatus, status, payment) => {
    const draft = map(withFulfillment(exampleOrder(), { fulfillmentStatus: amazonStatus }));
    expect(draft.status).toBe(status);
    expect(draft.paymentStatus).toBe(payment);
  });

  it('keeps an item’s gift wrap price (GIFT_WRAP breakdown) and its tax (TAX subtype GIFT_WRAP)', () => {
    const order = exampleOrder();
    const [item] = order.orderItems as Record<string, unknown>[];
    const usd = (amount: string) => ({ amount, currencyCode: 'USD' });
    item!.proceeds = {
      proceedsTotal: usd('104.32'),
      breakdowns: [
        { type: 'ITEM', subtotal: usd('99.98') },
        {
          type: 'TAX',
          subtotal: usd('0.34'),
          detailedBreakdowns: [
            { subtype: 'ITEM', value: usd('0.02') },
            { subtype: 'GIFT_WRAP', value: usd('0.32') },
          ],
        },
        { type: 'GIFT_WRAP', subtotal: usd('3.99') },
      ],
    };
    expect(map(order).items[0]).toMatchObject({
      itemPrice: '99.98',
      itemTax: '0.02',
      giftWrapPrice: '3.99',
      giftWrapTax: '0.32',
      giftWrapLevel: 'PREMIUM',
    });
    // Amazon's example has no gift wrap charge: nothing is made up.
    expect(map(exampleOrder()).items[0]).toMatchObject({ giftWrapPrice: null, giftWrapTax: null });
  });

  it('splits a promotion discount between the item and its shipping as Amazon’s detailed breakdown does', () => {
    const order = exampleOrder();
    const [item] = order.orderItems as Record<string, unknown>[];
    const usd = (amount: string) => ({ amount, currencyCode: 'USD' });
    const discount = (detailed: unknown[] | undefined) => ({
      proceedsTotal: usd('93.99'),
      breakdowns: [
        { type: 'ITEM', subtotal: usd('99.98') },
        { type: 'SHIPPING', subtotal: usd('4.99') },
        { type: 'DISCOUNT', subtotal: usd('-10.98'), ...(detailed && { detailedBreakdowns: detailed }) },
      ],
    });
    item!.proceeds = discount([
      { subtype: 'ITEM', value: usd('-5.99') },
      { subtype: 'SHIPPING', value: usd('-4.99') },
    ]);
    expect(map(order).items[0]).toMatchObject({ promotionDiscount: '-5.99', shipPromotionDiscount: '-4.99' });
    // Without the detail the whole discount is the item's.
    item!.proceeds = discount(undefined);
    expect(map(order).items[0]).toMatchObject({ promotionDiscount: '-10.98', shipPromotionDiscount: null });
  });

  it('maps a shipped order still waiting for its electronic invoice to InvoiceUnconfirmed', () => {
    const order = {
      ...withFulfillment(exampleOrder(), { fulfillmentStatus: 'SHIPPED' }),
      tax: { taxInvoicing: { invoiceStatus: 'PROCESSING' } },
    };
    expect(map(order).status).toBe('InvoiceUnconfirmed');
    const accepted = { ...order, tax: { taxInvoicing: { invoiceStatus: 'ACCEPTED' } } };
    expect(map(accepted).status).toBe('Shipped');
  });

  it.each([
    [['PRIME'], 'STANDARD', [], ['Prime']],
    [['AMAZON_BUSINESS'], 'STANDARD', [], ['Business']],
    [['PRIME', 'AMAZON_BUSINESS'], 'STANDARD', [], ['Business Prime']],
    [[], 'SECOND_DAY', [], ['Second Day']],
    [['PREMIUM'], 'NEXT_DAY', [], ['Premium']],
    [['PREORDER'], 'STANDARD', [], ['Pre-order']],
    [
      [],
      'STANDARD',
      [{ orderId: '111-1111111-1111111', associationType: 'REPLACEMENT_ORIGINAL_ID' }],
      ['Replacement'],
    ],
    [[], 'STANDARD', [{ orderId: '111-1111111-1111111', associationType: 'EXCHANGE_ORIGINAL_ID' }], []],
  ])(
    'programs %j with service level %s and associations %j give subtypes %j',
    (programs, level, associated, subtypes) => {
      const order = {
        ...withFulfillment(exampleOrder(), { fulfillmentServiceLevel: level }),
        programs,
        associatedOrders: associated,
      };
      expect(map(order).subtypes).toEqual(subtypes);
    },
  );

  it('recognises Checkout by Amazon orders by their non-Amazon sales channel', () => {
    const draft = map({
      ...exampleOrder(),
      salesChannel: { channelName: 'NON_AMAZON', marketplaceId: 'ATVPDKIKX0DER' },
    });
    expect(draft.isCheckoutByAmazon).toBe(true);
    expect(draft.salesChannel).toBe('Non-Amazon');
  });

  it('marks an Amazon-fulfilled order AFN and records who cancelled a cancelled order and why', () => {
    const order = withFulfillment(exampleOrder(), { fulfillmentStatus: 'CANCELLED', fulfilledBy: 'AMAZON' });
    const draft = map(order);
    expect(draft.fulfillmentChannel).toBe('AFN');
    expect(draft.cancellation).toEqual({ cancelledBy: 'MERCHANT', reason: 'Buyer requested cancellation' });
    expect(draft.cancelRequest).toBeNull();
  });

  it('turns a buyer cancellation request on an open order into a request with its reason', () => {
    const draft = map(withFulfillment(exampleOrder(), { fulfillmentStatus: 'UNSHIPPED' }));
    expect(draft.cancelRequest).toEqual({ reason: 'Changed mind about purchase' });
  });

  it('counts cancelled units from Amazon’s cancellation: ordered less shipped less still to ship', () => {
    const order = exampleOrder();
    const [first, second] = order.orderItems as Record<string, unknown>[];
    const execution = { cancellationExecution: { cancelledBy: 'MERCHANT', cancelReason: 'NoInventory' } };
    const partly = {
      ...order,
      fulfillment: { ...(order.fulfillment as object), fulfillmentStatus: 'PARTIALLY_SHIPPED' },
      orderItems: [
        // 5 ordered, 1 shipped, 1 still to ship: 3 cancelled.
        {
          ...first,
          quantityOrdered: 5,
          cancellation: execution,
          fulfillment: { quantityFulfilled: 1, quantityUnfulfilled: 1 },
        },
        // No cancellation on this item: none cancelled, whatever is left to ship.
        { ...second, quantityOrdered: 3, fulfillment: { quantityFulfilled: 1, quantityUnfulfilled: 2 } },
      ],
    };
    expect(map(partly).items.map((i) => i.quantityCancelled)).toEqual([3, 0]);
    const cancelled = withFulfillment(partly, { fulfillmentStatus: 'CANCELLED' });
    // A cancelled order: everything not shipped is cancelled, whatever Amazon says is still to ship.
    expect(map(cancelled).items.map((i) => i.quantityCancelled)).toEqual([4, 2]);
  });

  it('refuses an unknown status, naming the order and the field', () => {
    expect(() => map(withFulfillment(exampleOrder(), { fulfillmentStatus: 'LOST_IN_SPACE' }))).toThrow(
      /order 123-4567890-1234567: fulfillment.fulfillmentStatus "LOST_IN_SPACE"/,
    );
  });

  it('sets aside an order it cannot map, so the rest of the page is still stored', () => {
    const unknown = withFulfillment(
      { ...exampleOrder(), orderId: '123-4567890-7654321' },
      { fulfillmentStatus: 'LOST_IN_SPACE' },
    );
    const { drafts, rejected } = draftsOf([parseAmazonOrder(exampleOrder()), parseAmazonOrder(unknown)]);
    expect(drafts.map((draft) => draft.amazonOrderId)).toEqual(['123-4567890-1234567']);
    expect(rejected).toEqual([
      {
        orderId: '123-4567890-7654321',
        problem: expect.stringMatching(
          /order 123-4567890-7654321: fulfillment.fulfillmentStatus "LOST_IN_SPACE"/,
        ),
      },
    ]);
  });

  it('refuses a float amount and a missing item id, naming where', () => {
    const order = exampleOrder();
    (order.proceeds as { grandTotal: { amount: unknown } }).grandTotal.amount = 154.99;
    expect(() => parseAmazonOrder(order)).toThrow(AmazonResponseError);
    expect(() => parseAmazonOrder(order)).toThrow(
      /searchOrders: order 123-4567890-1234567 .*proceeds.grandTotal.amount/,
    );
  });
});
