import { isoSeconds } from './clock.js';
import { formatCents, type SimItem, type SimOrder } from './model.js';

/** Renders a simulated order in the Orders API v2026-01-01 shape, with only the datasets asked for. */

const MARKETPLACE_NAMES: Record<string, string> = {
  ATVPDKIKX0DER: 'Amazon.com',
  A2EUQ1WTGCTBG2: 'Amazon.ca',
  A1F83G8C2ARO7P: 'Amazon.co.uk',
  A1PA6795UKMFR9: 'Amazon.de',
};

function money(cents: number, currencyCode: string) {
  return { amount: formatCents(cents), currencyCode };
}

function range(window: { earliest: Date; latest: Date }) {
  return { earliestDateTime: isoSeconds(window.earliest), latestDateTime: isoSeconds(window.latest) };
}

function itemView(
  order: SimOrder,
  item: SimItem,
  included: Set<string>,
  baseUrl: string,
): Record<string, unknown> {
  const product: Record<string, unknown> = {
    asin: item.asin,
    title: item.title,
    sellerSku: item.sku,
    condition: { conditionType: 'NEW', conditionSubtype: 'NEW' },
  };
  if (order.status !== 'PENDING') product.price = { unitPrice: money(item.unitPriceCents, order.currency) };
  if (item.customized)
    product.customization = { customizedUrl: `${baseUrl}/_sim/customizations/${item.orderItemId}.zip` };
  const view: Record<string, unknown> = {
    orderItemId: item.orderItemId,
    quantityOrdered: item.quantity,
    programs: [],
    product,
  };
  if (included.has('PROCEEDS') && order.status !== 'PENDING') {
    const principal = item.unitPriceCents * item.quantity;
    const wrap = item.giftWrap;
    const tax = item.taxCents + (wrap?.taxCents ?? 0);
    const breakdowns = [
      { type: 'ITEM', subtotal: money(principal, order.currency) },
      {
        type: 'TAX',
        subtotal: money(tax, order.currency),
        ...(wrap && {
          detailedBreakdowns: [
            { subtype: 'ITEM', value: money(item.taxCents, order.currency) },
            { subtype: 'GIFT_WRAP', value: money(wrap.taxCents, order.currency) },
          ],
        }),
      },
      ...(item.shippingCents > 0
        ? [{ type: 'SHIPPING', subtotal: money(item.shippingCents, order.currency) }]
        : []),
      ...(wrap ? [{ type: 'GIFT_WRAP', subtotal: money(wrap.priceCents, order.currency) }] : []),
    ];
    view.proceeds = {
      proceedsTotal: money(principal + tax + item.shippingCents + (wrap?.priceCents ?? 0), order.currency),
      breakdowns,
    };
  }
  if (
    included.has('CANCELLATION') &&
    (item.buyerCancelReason !== undefined || item.cancelledBy !== undefined)
  ) {
    view.cancellation = {
      ...(item.buyerCancelReason !== undefined
        ? { cancellationRequest: { requester: 'BUYER', cancelReason: item.buyerCancelReason } }
        : {}),
      ...(item.cancelledBy !== undefined
        ? { cancellationExecution: { cancelledBy: item.cancelledBy, cancelReason: item.cancelReason ?? '' } }
        : {}),
    };
  }
  if (included.has('FULFILLMENT')) {
    view.fulfillment = {
      quantityFulfilled: item.shipped,
      quantityUnfulfilled: item.quantity - item.shipped - item.cancelled,
      ...(item.giftWrap && { packing: { giftOption: { giftWrapLevel: item.giftWrap.level } } }),
    };
  }
  return view;
}

function orderProceeds(order: SimOrder) {
  const sum = (pick: (item: SimItem) => number) => order.items.reduce((total, item) => total + pick(item), 0);
  const items = sum((item) => item.unitPriceCents * item.quantity);
  const tax = sum((item) => item.taxCents + (item.giftWrap?.taxCents ?? 0));
  const shipping = sum((item) => item.shippingCents);
  const giftWrap = sum((item) => item.giftWrap?.priceCents ?? 0);
  return {
    grandTotal: money(items + tax + shipping + giftWrap, order.currency),
    breakdowns: [
      { type: 'ITEM', subtotal: money(items, order.currency) },
      { type: 'TAX', subtotal: money(tax, order.currency) },
      ...(shipping > 0 ? [{ type: 'SHIPPING', subtotal: money(shipping, order.currency) }] : []),
      ...(giftWrap > 0 ? [{ type: 'GIFT_WRAP', subtotal: money(giftWrap, order.currency) }] : []),
    ],
  };
}

function packagesView(order: SimOrder) {
  return order.packages.map((pkg) => ({
    packageReferenceId: pkg.packageReferenceId,
    createdTime: isoSeconds(pkg.createdTime),
    packageStatus: { status: 'SHIPPED' },
    carrier: pkg.carrier,
    shipTime: isoSeconds(pkg.shipTime),
    ...(pkg.shippingService !== undefined ? { shippingService: pkg.shippingService } : {}),
    ...(pkg.trackingNumber !== undefined ? { trackingNumber: pkg.trackingNumber } : {}),
    packageItems: pkg.items.map((entry) => ({ orderItemId: entry.orderItemId, quantity: entry.quantity })),
  }));
}

export function orderView(order: SimOrder, included: Set<string>, baseUrl: string): Record<string, unknown> {
  const view: Record<string, unknown> = {
    orderId: order.orderId,
    ...(order.sellerOrderId !== undefined
      ? { orderAliases: [{ aliasId: order.sellerOrderId, aliasType: 'SELLER_ORDER_ID' }] }
      : {}),
    createdTime: isoSeconds(order.createdTime),
    lastUpdatedTime: isoSeconds(order.lastUpdatedTime),
    programs: order.programs,
    ...(order.replacementOf !== undefined
      ? { associatedOrders: [{ orderId: order.replacementOf, associationType: 'REPLACEMENT_ORIGINAL_ID' }] }
      : {}),
    salesChannel: {
      channelName: order.channel,
      marketplaceId: order.marketplaceId,
      marketplaceName:
        order.channel === 'AMAZON'
          ? (MARKETPLACE_NAMES[order.marketplaceId] ?? order.marketplaceId)
          : 'Non-Amazon',
    },
  };
  if (included.has('BUYER')) {
    view.buyer = {
      buyerName: order.buyer.name,
      buyerEmail: order.buyer.email,
      ...(order.buyer.companyName !== undefined ? { buyerCompanyName: order.buyer.companyName } : {}),
      ...(order.buyer.purchaseOrderNumber !== undefined
        ? { buyerPurchaseOrderNumber: order.buyer.purchaseOrderNumber }
        : {}),
    };
  }
  // Amazon gives the address only once payment is authorised (not while Pending).
  if (included.has('RECIPIENT') && order.status !== 'PENDING')
    view.recipient = { deliveryAddress: { ...order.address } };
  if (included.has('PROCEEDS') && order.status !== 'PENDING') view.proceeds = orderProceeds(order);
  if (included.has('FULFILLMENT')) {
    view.fulfillment = {
      fulfillmentStatus: order.status,
      fulfilledBy: order.fulfilledBy,
      fulfillmentServiceLevel: order.serviceLevel,
      shipByWindow: range(order.shipBy),
      deliverByWindow: range(order.deliverBy),
    };
  }
  view.orderItems = order.items.map((item) => itemView(order, item, included, baseUrl));
  if (included.has('PACKAGES') && order.fulfilledBy === 'MERCHANT') view.packages = packagesView(order);
  return view;
}
