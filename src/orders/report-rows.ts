import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { isDecimal, sumDecimals } from './decimal.js';
import { paymentStatusOf, type OrderDraft, type OrderItemDraft } from './order-draft.js';
import { REPORT_ITEM_PREFIX } from './orders.repository.js';
import type { OrderStatus, OrderSubtype } from './orders.table.js';

/**
 * Reads GET_FLAT_FILE_ALL_ORDERS_DATA_BY_LAST_UPDATE_GENERAL (tab-separated, one line per item) by header
 * name, into incomplete order drafts: the report has no ship windows, buyer data or order item ids.
 */

export const ALL_ORDERS_REPORT_TYPE = 'GET_FLAT_FILE_ALL_ORDERS_DATA_BY_LAST_UPDATE_GENERAL';

const REQUIRED_COLUMNS = [
  'amazon-order-id',
  'purchase-date',
  'last-updated-date',
  'order-status',
  'fulfillment-channel',
  'quantity',
];

export class ReportFormatError extends Error {
  override name = 'ReportFormatError';
}

export function reportStatusOf(text: string, where: string): OrderStatus {
  const value = text.trim().toLowerCase();
  if (value === 'pendingavailability') return 'PendingAvailability';
  if (value.startsWith('pending')) return 'Pending';
  if (value === 'unshipped' || value === 'shipping') return 'Unshipped';
  if (value === 'partiallyshipped' || value === 'partially shipped') return 'PartiallyShipped';
  if (value === 'invoiceunconfirmed') return 'InvoiceUnconfirmed';
  if (value.startsWith('shipped') || value === 'complete') return 'Shipped';
  if (value === 'cancelled' || value === 'canceled') return 'Canceled';
  if (value === 'unfulfillable') return 'Unfulfillable';
  throw new ReportFormatError(`${where}: order-status ${JSON.stringify(text)} is not a known status`);
}

type Line = Record<string, string>;

function field(line: Line, column: string): string | null {
  const value = line[column]?.trim();
  return value ? value : null;
}

function money(line: Line, column: string, where: string): string | null {
  const value = field(line, column);
  if (value !== null && !isDecimal(value))
    throw new ReportFormatError(`${where}: ${column} ${JSON.stringify(value)} is not a decimal`);
  return value;
}

function reportDate(line: Line, column: string, where: string): Date {
  const value = field(line, column);
  const date = value === null ? NaN : Date.parse(value);
  if (Number.isNaN(date))
    throw new ReportFormatError(`${where}: ${column} ${JSON.stringify(value)} is not a date`);
  return new Date(date);
}

function itemOf(line: Line, index: number, where: string): OrderItemDraft {
  const quantity = Number(field(line, 'quantity') ?? 'NaN');
  if (!Number.isInteger(quantity) || quantity < 0)
    throw new ReportFormatError(`${where}: quantity is not a whole number`);
  const status = (field(line, 'item-status') ?? '').toLowerCase();
  const sku = field(line, 'sku');
  return {
    orderItemId: `${REPORT_ITEM_PREFIX}${index}:${sku ?? field(line, 'asin') ?? ''}`,
    sku,
    asin: field(line, 'asin'),
    title: field(line, 'product-name'),
    quantityOrdered: quantity,
    quantityShipped: status.startsWith('shipped') ? quantity : 0,
    quantityCancelled: status === 'cancelled' || status === 'canceled' ? quantity : 0,
    currency: field(line, 'currency'),
    unitPrice: null,
    itemPrice: money(line, 'item-price', where),
    itemTax: money(line, 'item-tax', where),
    shippingPrice: money(line, 'shipping-price', where),
    shippingTax: money(line, 'shipping-tax', where),
    promotionDiscount: money(line, 'item-promotion-discount', where),
    promotionIds: (field(line, 'promotion-ids') ?? '')
      .split(',')
      .map((id) => id.trim())
      .filter(Boolean),
    customizedUrl: null,
    cancelRequested: field(line, 'is-buyer-requested-cancelation') === 'true',
  };
}

function orderTotal(lines: Line[], where: string): string | null {
  const add = [
    'item-price',
    'item-tax',
    'shipping-price',
    'shipping-tax',
    'gift-wrap-price',
    'gift-wrap-tax',
  ];
  const subtract = ['item-promotion-discount', 'ship-promotion-discount'];
  const values = (columns: string[]) =>
    lines.flatMap((l) => columns.flatMap((c) => money(l, c, where) ?? []));
  const added = values(add);
  return added.length === 0 ? null : sumDecimals(added, values(subtract));
}

function draftOf(lines: [Line, ...Line[]], where: string): OrderDraft {
  const [first] = lines;
  const status = reportStatusOf(first['order-status'] ?? '', where);
  const salesChannel = field(first, 'sales-channel') ?? 'Amazon';
  const serviceLevel = field(first, 'ship-service-level');
  const subtypes: OrderSubtype[] = [];
  if (field(first, 'is-business-order') === 'true') subtypes.push('Business');
  if (serviceLevel?.replace(/\s/g, '').toLowerCase() === 'secondday') subtypes.push('Second Day');
  const items = lines.map((line, index) => itemOf(line, index, where));
  const requested = items.find((i) => i.cancelRequested);
  const lastUpdatedAt = reportDate(first, 'last-updated-date', where);
  return {
    amazonOrderId: field(first, 'amazon-order-id') ?? '',
    marketplaceId: null,
    salesChannel,
    isCheckoutByAmazon: salesChannel.toLowerCase() === 'non-amazon',
    purchaseDate: reportDate(first, 'purchase-date', where),
    lastUpdatedAt,
    status,
    fulfillmentChannel: field(first, 'fulfillment-channel')?.toLowerCase() === 'amazon' ? 'AFN' : 'MFN',
    serviceLevel,
    earliestShipDate: null,
    latestShipDate: null,
    earliestDeliveryDate: null,
    latestDeliveryDate: null,
    orderTotal: orderTotal(lines, where),
    currency: field(first, 'currency'),
    paymentStatus: paymentStatusOf(status),
    subtypes,
    replacedOrderId: null,
    cancelRequest: requested && status !== 'Canceled' ? { reason: null } : null,
    cancellation: status === 'Canceled' ? { cancelledBy: null, reason: null } : null,
    buyer: null,
    recipient: null,
    shippedAt: null,
    deliveredAt: null,
    items,
    complete: false,
  };
}

/** Streams the report and yields its orders in batches; the whole report is grouped by order id first. */
export async function* readAllOrdersReport(
  stream: Readable,
  reportId: string,
  batchSize: number,
): AsyncGenerator<OrderDraft[]> {
  const lines = createInterface({ input: stream, crlfDelay: Infinity });
  let header: string[] | null = null;
  const byOrder = new Map<string, Line[]>();
  let lineNumber = 0;
  for await (const text of lines) {
    lineNumber++;
    if (text.trim() === '') continue;
    const cells = text.split('\t');
    if (header === null) {
      header = cells.map((cell) => cell.trim().replace(/^\uFEFF/, ''));
      const missing = REQUIRED_COLUMNS.filter((column) => !header?.includes(column));
      if (missing.length > 0)
        throw new ReportFormatError(`report ${reportId}: missing columns ${missing.join(', ')}`);
      continue;
    }
    const line: Line = {};
    header.forEach((column, i) => (line[column] = cells[i] ?? ''));
    const orderId = field(line, 'amazon-order-id');
    if (!orderId)
      throw new ReportFormatError(`report ${reportId} line ${lineNumber}: amazon-order-id is empty`);
    const group = byOrder.get(orderId);
    if (group) group.push(line);
    else byOrder.set(orderId, [line]);
  }
  let batch: OrderDraft[] = [];
  for (const [orderId, group] of byOrder) {
    batch.push(draftOf(group as [Line, ...Line[]], `report ${reportId} order ${orderId}`));
    if (batch.length >= batchSize) {
      yield batch;
      batch = [];
    }
  }
  if (batch.length > 0) yield batch;
}
