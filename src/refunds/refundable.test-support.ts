import type { ChargedLine } from './refundable.js';

/** A shipped line of one unit charged these amounts (minor units), nothing else. */
export function chargedLine(orderItemId: string, principal: bigint, tax = 0n, shipping = 0n): ChargedLine {
  return {
    orderItemId,
    quantityOrdered: 1,
    quantityShipped: 1,
    charged: {
      Principal: principal,
      Tax: tax,
      Shipping: shipping,
      ShippingTax: 0n,
      GiftWrap: 0n,
      GiftWrapTax: 0n,
    },
  };
}
