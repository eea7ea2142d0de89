import type { MoneyLine, SimItem, SimOrder } from './model.js';
import type { SettlementPeriod, SimStore } from './store.js';

/**
 * The money side of what happens to orders, as Amazon books it: a sale posts on shipment, a refund
 * posts when issued (seller or Amazon), each as settlement lines. Fees follow Amazon's usual shape:
 * a referral commission, an FBA fee for Amazon-fulfilled units, and on refunds the commission given
 * back minus a refund administration fee.
 */

const COMMISSION_RATE = 0.15;
const REFUND_ADMIN_RATE = 0.2;
const REFUND_ADMIN_CAP_CENTS = 500;
const FBA_FEE_PER_UNIT_CENTS = 322;

export function openPeriod(store: SimStore, sellerId: string, at: Date): SettlementPeriod {
  let period = store.openPeriods.get(sellerId);
  if (!period) {
    period = { sellerId, settlementId: store.newSettlementId(), start: at, lines: [] };
    store.openPeriods.set(sellerId, period);
  }
  return period;
}

function post(store: SimStore, sellerId: string, at: Date, lines: MoneyLine[]): void {
  openPeriod(store, sellerId, at).lines.push(...lines);
  store.ledger.push(...lines);
}

function commissionOf(principalCents: number, shippingCents: number): number {
  return Math.round((principalCents + shippingCents) * COMMISSION_RATE);
}

interface LineContext {
  order: SimOrder;
  item: SimItem;
  transactionType: string;
  at: Date;
  shipmentId?: string;
  adjustmentId?: string;
  merchantAdjustmentItemId?: string;
  quantity: number | null;
}

function line(
  context: LineContext,
  amountType: string,
  amountDescription: string,
  amountCents: number,
): MoneyLine {
  return {
    sellerId: context.order.sellerId,
    transactionType: context.transactionType,
    orderId: context.order.orderId,
    adjustmentId: context.adjustmentId ?? '',
    shipmentId: context.shipmentId ?? '',
    amountType,
    amountDescription,
    amountCents,
    fulfillmentId: context.order.fulfilledBy === 'AMAZON' ? 'AFN' : 'MFN',
    posted: context.at,
    orderItemCode: context.item.orderItemId,
    merchantAdjustmentItemId: context.merchantAdjustmentItemId ?? '',
    sku: context.item.sku,
    quantity: context.quantity,
  };
}

/**
 * The sale lines of `quantity` units of an item, booked when they ship (`item.shipped` already counts
 * them). Tax and shipping are booked as the share of the units shipped so far less what earlier shipments
 * booked, so an item shipped in parts settles exactly its line totals.
 */
export function bookSale(
  store: SimStore,
  order: SimOrder,
  item: SimItem,
  quantity: number,
  shipmentId: string,
  at: Date,
): void {
  const upTo = (units: number, cents: number) => Math.round((cents * units) / item.quantity);
  const shareOf = (cents: number) => upTo(item.shipped, cents) - upTo(item.shipped - quantity, cents);
  const principal = item.unitPriceCents * quantity;
  const tax = shareOf(item.taxCents);
  const shipping = shareOf(item.shippingCents);
  const context: LineContext = { order, item, transactionType: 'Order', at, shipmentId, quantity };
  const lines = [line(context, 'ItemPrice', 'Principal', principal)];
  if (tax > 0) lines.push(line(context, 'ItemPrice', 'Tax', tax));
  if (shipping > 0) lines.push(line(context, 'ItemPrice', 'Shipping', shipping));
  const commission = commissionOf(principal, shipping);
  if (commission > 0) lines.push(line(context, 'ItemFees', 'Commission', -commission));
  if (order.fulfilledBy === 'AMAZON') {
    lines.push(line(context, 'ItemFees', 'FBAPerUnitFulfillmentFee', -FBA_FEE_PER_UNIT_CENTS * quantity));
  }
  post(store, order.sellerId, at, lines);
}

/** One component of a refunded line, as the adjustment feed names it; RestockingFee is negative. */
export interface RefundComponent {
  type: string;
  cents: number;
}

/**
 * The refund lines of one item: each component given back (−; a restocking fee kept, +), the commission
 * on principal and shipping returned (+), and the refund administration fee (−): the lesser of $5 and 20 %
 * of the commission returned.
 */
export function bookRefund(
  store: SimStore,
  order: SimOrder,
  item: SimItem,
  components: RefundComponent[],
  ids: { adjustmentId: string; merchantAdjustmentItemId?: string },
  at: Date,
): void {
  const context: LineContext = { order, item, transactionType: 'Refund', at, ...ids, quantity: null };
  const lines: MoneyLine[] = components
    .filter((c) => c.cents !== 0)
    .map((c) => line(context, 'ItemPrice', c.type, -c.cents));
  const of = (type: string) => components.filter((c) => c.type === type).reduce((sum, c) => sum + c.cents, 0);
  const commission = commissionOf(of('Principal'), of('Shipping'));
  if (commission > 0) {
    lines.push(line(context, 'ItemFees', 'Commission', commission));
    const adminFee = Math.min(REFUND_ADMIN_CAP_CENTS, Math.round(commission * REFUND_ADMIN_RATE));
    lines.push(line(context, 'ItemFees', 'RefundCommission', -adminFee));
  }
  post(store, order.sellerId, at, lines);
  const refunded = (item.refundedComponents ??= {});
  for (const c of components) refunded[c.type] = (refunded[c.type] ?? 0) + c.cents;
  item.refundedCents += components.reduce((sum, c) => sum + c.cents, 0);
}
