import type { AmazonOrder, AmazonOrderItem } from '../amazon/port.js';
import { unknownOrderValues } from '../amazon/schemas/orders.schema.js';
import {
  paymentStatusOf,
  type KnownPackage,
  type OrderDraft,
  type OrderItemDraft,
  type RecipientData,
} from './order-draft.js';
import type { OrderStatus, OrderSubtype } from './orders.table.js';

/** An order the gateway accepted that still cannot be mapped to what we store (names the order and field). */
export class AmazonOrderPayloadError extends Error {
  override name = 'AmazonOrderPayloadError';
}

const STATUS_BY_FULFILLMENT_STATUS: Record<string, OrderStatus> = {
  PENDING_AVAILABILITY: 'PendingAvailability',
  PENDING: 'Pending',
  UNSHIPPED: 'Unshipped',
  PARTIALLY_SHIPPED: 'PartiallyShipped',
  SHIPPED: 'Shipped',
  CANCELLED: 'Canceled',
  UNFULFILLABLE: 'Unfulfillable',
};

/** Electronic-invoice states (Brazil, Easy Ship) in which a shipped order still waits for its invoice. */
const INVOICE_PENDING = new Set(['NOT_FOUND', 'PROCESSING', 'ERRORED']);

function statusOf(order: AmazonOrder): OrderStatus {
  const fulfillmentStatus = order.fulfillment?.fulfillmentStatus;
  const status =
    fulfillmentStatus === undefined ? undefined : STATUS_BY_FULFILLMENT_STATUS[fulfillmentStatus];
  if (!status) {
    throw new AmazonOrderPayloadError(
      `order ${order.orderId}: fulfillment.fulfillmentStatus ${JSON.stringify(fulfillmentStatus ?? null)} is not a known status`,
    );
  }
  const invoiceStatus = order.tax?.taxInvoicing?.invoiceStatus;
  if (status === 'Shipped' && invoiceStatus !== undefined && INVOICE_PENDING.has(invoiceStatus)) {
    return 'InvoiceUnconfirmed';
  }
  return status;
}

/** Sellercloud's subtypes; Prime together with Business is shown as the single subtype Business Prime. */
export function subtypesOf(order: AmazonOrder): OrderSubtype[] {
  const programs = new Set(order.programs ?? []);
  const subtypes: OrderSubtype[] = [];
  const prime = programs.has('PRIME');
  const business = programs.has('AMAZON_BUSINESS');
  if (prime && business) subtypes.push('Business Prime');
  else if (prime) subtypes.push('Prime');
  else if (business) subtypes.push('Business');
  if (order.fulfillment?.fulfillmentServiceLevel === 'SECOND_DAY') subtypes.push('Second Day');
  if (programs.has('PREMIUM')) subtypes.push('Premium');
  if (replacedOrderIdOf(order) !== null) subtypes.push('Replacement');
  if (programs.has('PREORDER')) subtypes.push('Pre-order');
  return subtypes;
}

function replacedOrderIdOf(order: AmazonOrder): string | null {
  const original = order.associatedOrders?.find((a) => a.associationType === 'REPLACEMENT_ORIGINAL_ID');
  return original?.orderId ?? null;
}

function date(value: string | undefined): Date | null {
  return value === undefined ? null : new Date(value);
}

function breakdownAmount(item: AmazonOrderItem, type: string): string | null {
  return item.proceeds?.breakdowns?.find((b) => b.type === type)?.subtotal.amount ?? null;
}

/** The part of a TAX or DISCOUNT breakdown on the item, shipping or gift wrap. */
function detailedAmount(
  item: AmazonOrderItem,
  type: 'TAX' | 'DISCOUNT',
  subtype: 'ITEM' | 'SHIPPING' | 'GIFT_WRAP',
): string | null {
  const breakdown = item.proceeds?.breakdowns?.find((b) => b.type === type);
  if (!breakdown) return null;
  const detailed = breakdown.detailedBreakdowns?.find((d) => d.subtype === subtype)?.value.amount;
  if (detailed !== undefined) return detailed;
  // Without a detailed breakdown the whole amount is the item's.
  return subtype === 'ITEM' && !breakdown.detailedBreakdowns?.length ? breakdown.subtotal.amount : null;
}

const taxAmount = (item: AmazonOrderItem, subtype: 'ITEM' | 'SHIPPING' | 'GIFT_WRAP') =>
  detailedAmount(item, 'TAX', subtype);

/**
 * Units Amazon cancelled: for an item with a cancellation execution (or on a cancelled order), what was
 * ordered less what shipped and what is still to ship.
 */
function cancelledQuantity(item: AmazonOrderItem, orderCancelled: boolean): number {
  const executed = item.cancellation?.cancellationExecution !== undefined || orderCancelled;
  if (!executed) return 0;
  const shipped = item.fulfillment?.quantityFulfilled ?? 0;
  const unshipped = orderCancelled ? 0 : (item.fulfillment?.quantityUnfulfilled ?? 0);
  return Math.max(item.quantityOrdered - shipped - unshipped, 0);
}

function mapItem(item: AmazonOrderItem, orderCancelled: boolean): OrderItemDraft {
  const gift = item.fulfillment?.packing?.giftOption;
  return {
    orderItemId: item.orderItemId,
    sku: item.product?.sellerSku ?? null,
    asin: item.product?.asin ?? null,
    title: item.product?.title ?? null,
    quantityOrdered: item.quantityOrdered,
    quantityShipped: item.fulfillment?.quantityFulfilled ?? 0,
    quantityCancelled: cancelledQuantity(item, orderCancelled),
    currency:
      item.proceeds?.proceedsTotal?.currencyCode ?? item.product?.price?.unitPrice?.currencyCode ?? null,
    unitPrice: item.product?.price?.unitPrice?.amount ?? null,
    itemPrice: breakdownAmount(item, 'ITEM'),
    itemTax: taxAmount(item, 'ITEM'),
    shippingPrice: breakdownAmount(item, 'SHIPPING'),
    shippingTax: taxAmount(item, 'SHIPPING'),
    giftWrapPrice: breakdownAmount(item, 'GIFT_WRAP'),
    giftWrapTax: taxAmount(item, 'GIFT_WRAP'),
    promotionDiscount: detailedAmount(item, 'DISCOUNT', 'ITEM'),
    shipPromotionDiscount: detailedAmount(item, 'DISCOUNT', 'SHIPPING'),
    promotionIds: (item.promotion?.breakdowns ?? []).flatMap((b) => (b.promotionId ? [b.promotionId] : [])),
    customizedUrl: item.product?.customization?.customizedUrl ?? null,
    cancelRequested: item.cancellation?.cancellationRequest?.requester === 'BUYER',
    priceDesignation: item.product?.price?.priceDesignation ?? null,
    giftWrapLevel: gift?.giftWrapLevel ?? null,
    giftMessage: gift?.giftMessage ?? null,
  };
}

function packagesOf(order: AmazonOrder): KnownPackage[] {
  return (order.packages ?? []).map((p) => ({
    packageReferenceId: p.packageReferenceId,
    carrier: p.carrier ?? null,
    trackingNumber: p.trackingNumber ?? null,
    shippingService: p.shippingService ?? null,
    shipTime: p.shipTime ?? null,
    status: p.packageStatus?.status ?? null,
    items: (p.packageItems ?? []).map((i) => ({ orderItemId: i.orderItemId, quantity: i.quantity })),
  }));
}

function cancellationOf(order: AmazonOrder, status: OrderStatus): OrderDraft['cancellation'] {
  if (status !== 'Canceled') return null;
  const execution = order.orderItems
    .map((i) => i.cancellation?.cancellationExecution)
    .find((e) => e !== undefined);
  return { cancelledBy: execution?.cancelledBy ?? null, reason: execution?.cancelReason ?? null };
}

function cancelRequestOf(order: AmazonOrder): OrderDraft['cancelRequest'] {
  const request = order.orderItems
    .map((i) => i.cancellation?.cancellationRequest)
    .find((r) => r !== undefined && r.requester === 'BUYER');
  return request ? { reason: request.cancelReason ?? null } : null;
}

function recipientOf(order: AmazonOrder): RecipientData | null {
  const address = order.recipient?.deliveryAddress;
  return address && Object.keys(address).length > 0 ? address : null;
}

function buyerOf(order: AmazonOrder): OrderDraft['buyer'] {
  const buyer = order.buyer;
  if (!buyer || Object.keys(buyer).length === 0) return null;
  return {
    ...(buyer.buyerName !== undefined && { name: buyer.buyerName }),
    ...(buyer.buyerEmail !== undefined && { email: buyer.buyerEmail }),
    ...(buyer.buyerCompanyName !== undefined && { companyName: buyer.buyerCompanyName }),
    ...(buyer.buyerPurchaseOrderNumber !== undefined && {
      purchaseOrderNumber: buyer.buyerPurchaseOrderNumber,
    }),
  };
}

function latestShipTime(order: AmazonOrder): Date | null {
  const times = (order.packages ?? []).flatMap((p) => (p.shipTime ? [Date.parse(p.shipTime)] : []));
  return times.length > 0 ? new Date(Math.max(...times)) : null;
}

/** When the order counts as delivered for buyer-data retention (docs/orders.md). */
function deliveredAtOf(order: AmazonOrder, status: OrderStatus, shippedAt: Date | null): Date | null {
  if (status === 'Canceled') return new Date(order.lastUpdatedTime);
  if (status !== 'Shipped' && status !== 'InvoiceUnconfirmed') return null;
  return (
    date(order.fulfillment?.deliverByWindow?.latestDateTime) ?? shippedAt ?? new Date(order.lastUpdatedTime)
  );
}

/** Maps an Orders API 2026-01-01 order to what we store. */
export function mapAmazonOrder(order: AmazonOrder): OrderDraft {
  const status = statusOf(order);
  const nonAmazon = order.salesChannel.channelName === 'NON_AMAZON';
  const fulfillment = order.fulfillment;
  const shippedAt = latestShipTime(order);
  return {
    amazonOrderId: order.orderId,
    marketplaceId: order.salesChannel.marketplaceId ?? null,
    salesChannel: nonAmazon ? 'Non-Amazon' : (order.salesChannel.marketplaceName ?? 'Amazon'),
    isCheckoutByAmazon: nonAmazon,
    purchaseDate: new Date(order.createdTime),
    lastUpdatedAt: new Date(order.lastUpdatedTime),
    status,
    fulfillmentChannel: fulfillment?.fulfilledBy === 'AMAZON' ? 'AFN' : 'MFN',
    serviceLevel: fulfillment?.fulfillmentServiceLevel ?? null,
    earliestShipDate: date(fulfillment?.shipByWindow?.earliestDateTime),
    latestShipDate: date(fulfillment?.shipByWindow?.latestDateTime),
    earliestDeliveryDate: date(fulfillment?.deliverByWindow?.earliestDateTime),
    latestDeliveryDate: date(fulfillment?.deliverByWindow?.latestDateTime),
    orderTotal: order.proceeds?.grandTotal?.amount ?? null,
    currency: order.proceeds?.grandTotal?.currencyCode ?? null,
    paymentStatus: paymentStatusOf(status),
    subtypes: subtypesOf(order),
    replacedOrderId: replacedOrderIdOf(order),
    cancelRequest: status === 'Canceled' ? null : cancelRequestOf(order),
    cancellation: cancellationOf(order, status),
    buyer: buyerOf(order),
    recipient: recipientOf(order),
    shippedAt,
    deliveredAt: deliveredAtOf(order, status, shippedAt),
    sellerOrderId: order.orderAliases?.find((a) => a.aliasType === 'SELLER_ORDER_ID')?.aliasId ?? null,
    programs: [...(order.programs ?? [])],
    packages: packagesOf(order),
    unknownValues: unknownOrderValues(order),
    items: order.orderItems.map((item) => mapItem(item, status === 'Canceled')),
    complete: true,
  };
}
