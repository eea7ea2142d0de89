import type { RefundableItem, RefundableOrder } from '../orders/orders.refunding.js';
import { prorate, storedMoney } from '../shared/money.js';
import { pricesIncludeTax } from './adjustment-codes.js';
import type { ChargedLine, CountedRefund } from './refundable.js';
import type { AdjustmentComponent } from './adjustment-codes.js';

/**
 * What the buyer was charged per line and component, from the order as downloaded. Amazon charges on
 * shipment, so a line counts only its shipped units (its share of the line totals). Principal is the
 * item price less its promotion discount, Shipping the shipping price less its own. Where prices include
 * tax (JP) the tax is part of Principal, Shipping and GiftWrap and has no component of its own.
 */
export function chargedLine(item: RefundableItem, currency: string, taxInclusive: boolean): ChargedLine {
  const share = (value: string | null) =>
    prorate(storedMoney(value, currency), item.quantityShipped, Math.max(1, item.quantityOrdered));
  // Amazon writes discounts with either sign.
  const less = (value: bigint, discount: bigint) => {
    const left = value - (discount < 0n ? -discount : discount);
    return left > 0n ? left : 0n;
  };
  const principal = less(share(item.itemPrice), share(item.promotionDiscount));
  const tax = share(item.itemTax);
  const shipping = less(share(item.shippingPrice), share(item.shipPromotionDiscount));
  const shippingTax = share(item.shippingTax);
  const giftWrap = share(item.giftWrapPrice);
  const giftWrapTax = share(item.giftWrapTax);
  return {
    orderItemId: item.orderItemId,
    quantityOrdered: item.quantityOrdered,
    quantityShipped: item.quantityShipped,
    charged: {
      Principal: taxInclusive ? principal + tax : principal,
      Tax: taxInclusive ? 0n : tax,
      Shipping: taxInclusive ? shipping + shippingTax : shipping,
      ShippingTax: taxInclusive ? 0n : shippingTax,
      GiftWrap: taxInclusive ? giftWrap + giftWrapTax : giftWrap,
      GiftWrapTax: taxInclusive ? 0n : giftWrapTax,
    },
  };
}

export function currencyOf(order: RefundableOrder): string | null {
  return order.currency ?? order.items.find((item) => item.currency !== null)?.currency ?? null;
}

export function chargedLines(order: RefundableOrder, currency: string): ChargedLine[] {
  const taxInclusive = pricesIncludeTax(order.marketplaceId);
  return order.items
    .filter((item) => item.quantityShipped > 0)
    .map((item) => chargedLine(item, currency, taxInclusive));
}

export function countedRefunds(
  rows: { orderItemId: string; component: AdjustmentComponent; amount: string; inFlight: boolean }[],
  currency: string,
): CountedRefund[] {
  return rows.map((row) => ({ ...row, amount: storedMoney(row.amount, currency), byAmazon: false }));
}
