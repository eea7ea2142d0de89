import { describe, expect, it } from 'vitest';
import type { RefundableItem } from '../orders/orders.refunding.js';
import { chargedLine } from './order-charges.js';

const item: RefundableItem = {
  rowId: 1,
  orderItemId: '40000000000001',
  sku: 'MUG-1',
  quantityOrdered: 2,
  quantityShipped: 2,
  currency: 'USD',
  itemPrice: '20.00',
  itemTax: '1.60',
  shippingPrice: '4.99',
  shippingTax: '0.40',
  giftWrapPrice: '3.99',
  giftWrapTax: '0.32',
  promotionDiscount: '-2.00',
  shipPromotionDiscount: '-4.99',
};

describe('what an order line charged, per component', () => {
  it('takes each promotion discount off its own component and counts the gift wrap and its tax', () => {
    expect(chargedLine(item, 'USD', false).charged).toEqual({
      Principal: 1800n,
      Tax: 160n,
      Shipping: 0n,
      ShippingTax: 40n,
      GiftWrap: 399n,
      GiftWrapTax: 32n,
    });
  });

  it('counts only the shipped share, and folds tax into its component where prices include it', () => {
    const half = { ...item, quantityShipped: 1, shipPromotionDiscount: null };
    expect(chargedLine(half, 'USD', true).charged).toEqual({
      Principal: 980n,
      Tax: 0n,
      Shipping: 270n,
      ShippingTax: 0n,
      GiftWrap: 216n,
      GiftWrapTax: 0n,
    });
  });
});
