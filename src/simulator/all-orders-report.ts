import { formatCents, type SimItem, type SimOrder } from './model.js';
import { defectiveReportLine, type RecordDefects } from './record-defects.js';

export const ALL_ORDERS_REPORT_TYPES = [
  'GET_FLAT_FILE_ALL_ORDERS_DATA_BY_LAST_UPDATE_GENERAL',
  'GET_FLAT_FILE_ALL_ORDERS_DATA_BY_ORDER_DATE_GENERAL',
] as const;

/** Amazon's columns in Amazon's order; readers must go by header name (Amazon adds columns over time). */
export const ALL_ORDERS_COLUMNS = [
  'amazon-order-id',
  'merchant-order-id',
  'purchase-date',
  'last-updated-date',
  'order-status',
  'fulfillment-channel',
  'sales-channel',
  'order-channel',
  'url',
  'ship-service-level',
  'product-name',
  'sku',
  'asin',
  'item-status',
  'quantity',
  'currency',
  'item-price',
  'item-tax',
  'shipping-price',
  'shipping-tax',
  'gift-wrap-price',
  'gift-wrap-tax',
  'item-promotion-discount',
  'ship-promotion-discount',
  'ship-city',
  'ship-state',
  'ship-postal-code',
  'ship-country',
  'promotion-ids',
  'is-business-order',
  'purchase-order-number',
  'price-designation',
  'is-buyer-requested-cancelation',
] as const;

const ORDER_STATUS_NAMES: Record<SimOrder['status'], string> = {
  PENDING: 'Pending',
  UNSHIPPED: 'Unshipped',
  PARTIALLY_SHIPPED: 'PartiallyShipped',
  SHIPPED: 'Shipped',
  CANCELLED: 'Cancelled',
};

const SERVICE_LEVEL_NAMES: Record<SimOrder['serviceLevel'], string> = {
  STANDARD: 'Standard',
  EXPEDITED: 'Expedited',
  SECOND_DAY: 'SecondDay',
  NEXT_DAY: 'NextDay',
  SAME_DAY: 'SameDay',
  PRIORITY: 'Priority',
  FREE_ECONOMY: 'FreeEconomy',
  SCHEDULED: 'Scheduled',
};

/** `2017-06-17T08:04:21+00:00`, as the report writes dates. */
function reportDate(date: Date): string {
  return `${date.toISOString().slice(0, 19)}+00:00`;
}

function itemStatus(order: SimOrder, item: SimItem): string {
  if (item.cancelled === item.quantity) return 'Cancelled';
  if (item.shipped > 0) return 'Shipped';
  return order.status === 'PENDING' ? 'Pending' : 'Unshipped';
}

function row(order: SimOrder, item: SimItem, defects: RecordDefects): string[] {
  const business = order.programs.includes('AMAZON_BUSINESS');
  const values: Record<(typeof ALL_ORDERS_COLUMNS)[number], string> = {
    'amazon-order-id': order.orderId,
    'merchant-order-id': order.sellerOrderId ?? '',
    'purchase-date': reportDate(order.createdTime),
    'last-updated-date': reportDate(order.lastUpdatedTime),
    'order-status': ORDER_STATUS_NAMES[order.status],
    'fulfillment-channel': order.fulfilledBy === 'AMAZON' ? 'Amazon' : 'Merchant',
    'sales-channel': order.channel === 'AMAZON' ? 'Amazon.com' : 'Non-Amazon',
    'order-channel': '',
    url: '',
    'ship-service-level': SERVICE_LEVEL_NAMES[order.serviceLevel],
    'product-name': item.title,
    sku: item.sku,
    asin: item.asin,
    'item-status': itemStatus(order, item),
    quantity: String(item.quantity),
    currency: order.currency,
    'item-price': formatCents(item.unitPriceCents * item.quantity),
    'item-tax': formatCents(item.taxCents),
    'shipping-price': item.shippingCents > 0 ? formatCents(item.shippingCents) : '',
    'shipping-tax': '',
    'gift-wrap-price': item.giftWrap ? formatCents(item.giftWrap.priceCents) : '',
    'gift-wrap-tax': item.giftWrap ? formatCents(item.giftWrap.taxCents) : '',
    'item-promotion-discount': '',
    'ship-promotion-discount': '',
    'ship-city': order.address.city,
    'ship-state': order.address.stateOrRegion,
    'ship-postal-code': order.address.postalCode,
    'ship-country': order.address.countryCode,
    'promotion-ids': '',
    'is-business-order': business ? 'true' : 'false',
    'purchase-order-number': order.buyer.purchaseOrderNumber ?? '',
    'price-designation': business ? 'BusinessPrice' : '',
    'is-buyer-requested-cancelation': item.buyerCancelReason !== undefined ? 'true' : 'false',
  };
  const served = defectiveReportLine(defects, values);
  return ALL_ORDERS_COLUMNS.map((column) => served[column]);
}

/** One row per order item, tab-separated, no buyer names or street lines (the report has none). */
export function writeAllOrdersReport(orders: SimOrder[], defects: RecordDefects = new Map()): string {
  const lines = [ALL_ORDERS_COLUMNS.join('\t')];
  for (const order of orders)
    for (const item of order.items) lines.push(row(order, item, defects).join('\t'));
  return `${lines.join('\n')}\n`;
}
