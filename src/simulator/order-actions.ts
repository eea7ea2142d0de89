import { bookRefund, bookSale, type RefundComponent } from './ledger.js';
import {
  itemChargedComponents,
  remainingToShip,
  TAX_INCLUSIVE_MARKETPLACES,
  type Party,
  type SimItem,
  type SimOrder,
} from './model.js';
import type { SimStore } from './store.js';

/** What can happen to an order, whoever asks (a feed, confirmShipment, Amazon itself, the control API). */

export type RefusalReason =
  | 'order-not-found'
  | 'item-not-found'
  | 'already-shipped'
  | 'already-cancelled'
  | 'pending'
  | 'fulfilled-by-amazon'
  | 'quantity-above-remaining'
  | 'refund-above-charged'
  | 'tax-not-eligible'
  | 'negative-amount'
  | 'not-shipped'
  | 'unknown-carrier'
  | 'cancel-refused';

export class OrderRefusal extends Error {
  override name = 'OrderRefusal';
  constructor(
    readonly reason: RefusalReason,
    message: string,
  ) {
    super(message);
  }
}

export function touch(order: SimOrder, at: Date): void {
  if (at.getTime() > order.lastUpdatedTime.getTime()) order.lastUpdatedTime = at;
  else order.lastUpdatedTime = new Date(order.lastUpdatedTime.getTime() + 1);
}

function refreshStatus(order: SimOrder): void {
  const units = order.items.reduce((sum, item) => sum + item.quantity, 0);
  const cancelled = order.items.reduce((sum, item) => sum + item.cancelled, 0);
  const shipped = order.items.reduce((sum, item) => sum + item.shipped, 0);
  const open = order.items.reduce((sum, item) => sum + remainingToShip(item), 0);
  if (cancelled === units) order.status = 'CANCELLED';
  else if (open === 0) order.status = 'SHIPPED';
  else if (shipped > 0) order.status = 'PARTIALLY_SHIPPED';
}

function findItem(order: SimOrder, orderItemId: string): SimItem {
  const item = order.items.find((candidate) => candidate.orderItemId === orderItemId);
  if (!item)
    throw new OrderRefusal(
      'item-not-found',
      `order item ${orderItemId} is not part of order ${order.orderId}`,
    );
  return item;
}

function assertOpen(order: SimOrder): void {
  if (order.status === 'CANCELLED')
    throw new OrderRefusal('already-cancelled', `order ${order.orderId} is cancelled`);
  if (order.status === 'SHIPPED')
    throw new OrderRefusal('already-shipped', `order ${order.orderId} is already shipped`);
}

export interface Shipment {
  /** Omitted: everything left to ship. */
  items?: { orderItemId: string; quantity: number }[];
  carrier: string;
  shippingService?: string;
  trackingNumber?: string;
  shipTime: Date;
  packageReferenceId?: string;
}

function shipmentLines(order: SimOrder, shipment: Shipment): { item: SimItem; quantity: number }[] {
  const requested =
    shipment.items ??
    order.items.map((item) => ({ orderItemId: item.orderItemId, quantity: remainingToShip(item) }));
  const lines = requested
    .map((entry) => ({ item: findItem(order, entry.orderItemId), quantity: entry.quantity }))
    .filter((entry) => entry.quantity > 0 || shipment.items !== undefined);
  for (const { item, quantity } of lines) {
    const left = remainingToShip(item);
    if (left === 0 && item.shipped > 0)
      throw new OrderRefusal('already-shipped', `order item ${item.orderItemId} is already shipped`);
    if (left === 0)
      throw new OrderRefusal('already-cancelled', `order item ${item.orderItemId} is cancelled`);
    if (quantity < 1 || quantity > left) {
      throw new OrderRefusal(
        'quantity-above-remaining',
        `quantity ${quantity} for order item ${item.orderItemId} is more than the ${left} left to ship`,
      );
    }
  }
  return lines;
}

/** Ships units: the package is recorded, the sale posts to the settlement, the status follows. */
export function shipOrder(
  store: SimStore,
  order: SimOrder,
  shipment: Shipment,
  at: Date,
  by: Party = 'MERCHANT',
): void {
  assertOpen(order);
  if (order.status === 'PENDING')
    throw new OrderRefusal('pending', `order ${order.orderId} is Pending and cannot be shipped yet`);
  if (by === 'MERCHANT' && order.fulfilledBy === 'AMAZON') {
    throw new OrderRefusal('fulfilled-by-amazon', `order ${order.orderId} is fulfilled by Amazon`);
  }
  const lines = shipmentLines(order, shipment);
  const shipmentId = store.newShipmentId();
  for (const { item, quantity } of lines) {
    item.shipped += quantity;
    bookSale(store, order, item, quantity, shipmentId, at);
  }
  if (order.fulfilledBy === 'MERCHANT') {
    order.packages.push({
      packageReferenceId: shipment.packageReferenceId ?? String(order.packages.length + 1),
      carrier: shipment.carrier,
      ...(shipment.shippingService !== undefined ? { shippingService: shipment.shippingService } : {}),
      ...(shipment.trackingNumber !== undefined ? { trackingNumber: shipment.trackingNumber } : {}),
      shipTime: shipment.shipTime,
      createdTime: at,
      items: lines.map(({ item, quantity }) => ({ orderItemId: item.orderItemId, quantity })),
    });
  }
  refreshStatus(order);
  touch(order, at);
}

/** Cancels what is left to ship (of the listed items, or of the whole order). */
export function cancelOrder(
  order: SimOrder,
  party: Party,
  reason: string,
  at: Date,
  items?: { orderItemId: string; quantity?: number }[],
): void {
  assertOpen(order);
  const targets: { orderItemId: string; quantity?: number }[] =
    items ?? order.items.map((item) => ({ orderItemId: item.orderItemId }));
  const lines = targets.map((entry) => {
    const item = findItem(order, entry.orderItemId);
    const left = remainingToShip(item);
    const quantity = entry.quantity ?? left;
    if (left === 0 && item.shipped > 0)
      throw new OrderRefusal('already-shipped', `order item ${item.orderItemId} is already shipped`);
    if (quantity > left) {
      throw new OrderRefusal(
        'quantity-above-remaining',
        `cannot cancel ${quantity} of order item ${item.orderItemId}: ${left} left`,
      );
    }
    return { item, quantity };
  });
  for (const { item, quantity } of lines) {
    item.cancelled += quantity;
    item.cancelledBy = party;
    item.cancelReason = reason;
  }
  refreshStatus(order);
  touch(order, at);
}

export function requestBuyerCancel(order: SimOrder, reason: string, at: Date): void {
  assertOpen(order);
  for (const item of order.items) if (remainingToShip(item) > 0) item.buyerCancelReason = reason;
  touch(order, at);
}

export interface ItemAdjustment {
  orderItemId: string;
  merchantAdjustmentItemId?: string;
  components: RefundComponent[];
}

const TAX_COMPONENTS = ['Tax', 'ShippingTax', 'GiftWrapTax'];

/** What is left to refund of an item per component it was charged. */
export function refundableComponents(order: SimOrder, item: SimItem): Record<string, number> {
  const charged = itemChargedComponents(item, order.marketplaceId);
  return Object.fromEntries(
    Object.entries(charged).map(([type, cents]) => [type, cents - (item.refundedComponents?.[type] ?? 0)]),
  );
}

function checkAdjustment(order: SimOrder, adjustment: ItemAdjustment): SimItem {
  const item = findItem(order, adjustment.orderItemId);
  if (item.shipped === 0) {
    throw new OrderRefusal(
      'not-shipped',
      `order item ${item.orderItemId} has not been charged (not shipped); cancel it instead`,
    );
  }
  const charged = itemChargedComponents(item, order.marketplaceId);
  const left = refundableComponents(order, item);
  for (const { type, cents } of adjustment.components) {
    if (TAX_INCLUSIVE_MARKETPLACES.includes(order.marketplaceId) && TAX_COMPONENTS.includes(type)) {
      throw new OrderRefusal(
        'tax-not-eligible',
        `The requested refund amount for the tax or shipping tax is not eligible for order item ${item.orderItemId}`,
      );
    }
    if (cents < 0 && type !== 'RestockingFee') {
      throw new OrderRefusal(
        'negative-amount',
        `The ${type} refund amount for order item ${item.orderItemId} is negative`,
      );
    }
    if (type in charged && cents > (left[type] ?? 0)) {
      throw new OrderRefusal(
        'refund-above-charged',
        `The requested refund amount for the item price is not eligible: ${type} of order item ${item.orderItemId} is more than the amount left to refund`,
      );
    }
  }
  return item;
}

function orderChargedCents(order: SimOrder): number {
  return order.items.reduce(
    (sum, item) =>
      sum + Object.values(itemChargedComponents(item, order.marketplaceId)).reduce((a, b) => a + b, 0),
    0,
  );
}

function orderRefundedCents(order: SimOrder): number {
  return order.items.reduce(
    (sum, item) =>
      sum +
      Object.values(item.refundedComponents ?? {})
        .filter((c) => c > 0)
        .reduce((a, b) => a + b, 0),
    0,
  );
}

/**
 * Applies one adjustment (a refund) to shipped items, as Amazon does: each charged component has its own
 * balance, components never charged (Goodwill, ReturnShipping, …) are bounded by what is left of the
 * order, only RestockingFee may be negative, a separate Tax is refused where prices include tax, and a
 * seller cannot refund an FBA order. Anything refused leaves the order untouched. Returns the adjustment id.
 */
export function adjustOrder(
  store: SimStore,
  order: SimOrder,
  adjustments: ItemAdjustment[],
  at: Date,
  by: Party = 'MERCHANT',
): string {
  if (by === 'MERCHANT' && order.fulfilledBy === 'AMAZON') {
    throw new OrderRefusal(
      'fulfilled-by-amazon',
      `Order ${order.orderId} is fulfilled by Amazon; Amazon handles its refunds`,
    );
  }
  const checked = adjustments.map((adjustment) => ({ adjustment, item: checkAdjustment(order, adjustment) }));
  const given = adjustments
    .flatMap((a) => a.components)
    .filter((c) => c.cents > 0)
    .reduce((sum, c) => sum + c.cents, 0);
  if (orderRefundedCents(order) + given > orderChargedCents(order)) {
    throw new OrderRefusal(
      'refund-above-charged',
      `The requested refund amount is not eligible: more than is left to refund of order ${order.orderId}`,
    );
  }
  const adjustmentId = store.newAdjustmentId();
  for (const { adjustment, item } of checked) {
    const ids =
      adjustment.merchantAdjustmentItemId !== undefined
        ? { adjustmentId, merchantAdjustmentItemId: adjustment.merchantAdjustmentItemId }
        : { adjustmentId };
    bookRefund(store, order, item, adjustment.components, ids, at);
  }
  touch(order, at);
  return adjustmentId;
}
