import type { ChargedOrderItem } from '../orders/orders.settled.js';
import { prorate, storedMoney } from '../shared/money.js';

/**
 * Whether what a settlement paid for an order item is what the order says was charged. Amazon settles
 * an item per shipment, so an item shipped in parts is spread over settlements: it is compared only once
 * its sale lines cover every unit the order says shipped, against that many units' share of the order's
 * line totals. Decided here, from what is stored; no I/O.
 */

export const COMPARED = ['Principal', 'Tax', 'Shipping'] as const;
export type ComparedComponent = (typeof COMPARED)[number];
export type Amounts = Record<ComparedComponent, bigint>;

/** The sale lines (transaction type Order) of one order item over every settlement, in minor units. */
export interface SettledItem {
  amazonOrderId: string;
  orderItemCode: string;
  settled: Amounts;
  /** Units the Principal lines name; null when no line says (a file without quantity-purchased). */
  units: number | null;
}

export type Comparison =
  | { kind: 'waiting'; reason: string }
  | { kind: 'same' }
  | { kind: 'differs'; settled: Amounts; order: Amounts; components: ComparedComponent[] };

export function chargedFor(item: ChargedOrderItem, currency: string, taxInclusive: boolean): Amounts {
  const share = (value: string | null) =>
    prorate(storedMoney(value, currency), item.quantityShipped, Math.max(1, item.quantityOrdered));
  return {
    Principal: share(item.itemPrice),
    // Where prices include tax (JP) the tax is inside Principal and Shipping: nothing to compare it with.
    Tax: taxInclusive ? 0n : share(item.itemTax) + share(item.shippingTax),
    Shipping: share(item.shippingPrice),
  };
}

export function compareSettledItem(
  settled: SettledItem,
  item: ChargedOrderItem,
  currency: string,
  taxInclusive: boolean,
): Comparison {
  if (item.quantityShipped === 0) return { kind: 'waiting', reason: 'the order shows nothing shipped yet' };
  const covers =
    settled.units === null
      ? item.quantityShipped === item.quantityOrdered
      : settled.units === item.quantityShipped;
  if (!covers) return { kind: 'waiting', reason: 'not every shipped unit is settled yet' };
  const order = chargedFor(item, currency, taxInclusive);
  const compared = taxInclusive ? COMPARED.filter((component) => component !== 'Tax') : COMPARED;
  const components = compared.filter((component) => settled.settled[component] !== order[component]);
  return components.length === 0
    ? { kind: 'same' }
    : { kind: 'differs', settled: settled.settled, order, components };
}
