import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import type { RejectedOrder } from '../amazon/port.js';
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

/** Amazon's order ids are at most 50 characters (the column's limit too). */
const MAX_ORDER_ID_LENGTH = 50;

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

/** The report writes `BusinessPrice` where the API writes BUSINESS_PRICE. */
function priceDesignationOf(value: string | null): string | null {
  if (value === null) return null;
  return value.replace(/([a-z])([A-Z])/g, '$1_$2').toUpperCase();
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
    giftWrapPrice: money(line, 'gift-wrap-price', where),
    giftWrapTax: money(line, 'gift-wrap-tax', where),
    promotionDiscount: money(line, 'item-promotion-discount', where),
    shipPromotionDiscount: money(line, 'ship-promotion-discount', where),
    promotionIds: (field(line, 'promotion-ids') ?? '')
      .split(',')
      .map((id) => id.trim())
      .filter(Boolean),
    customizedUrl: null,
    cancelRequested: field(line, 'is-buyer-requested-cancelation') === 'true',
    priceDesignation: priceDesignationOf(field(line, 'price-designation')),
    giftWrapLevel: null,
    giftMessage: null,
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
    sellerOrderId: field(first, 'merchant-order-id'),
    programs: [],
    packages: [],
    unknownValues: [],
    items,
    complete: false,
  };
}

/** A slice of the report: the orders read, and those whose lines could not be read (set aside). */
export interface ReportBatch {
  drafts: OrderDraft[];
  rejected: RejectedOrder[];
}

/**
 * Streams the report and yields its orders in batches of `batchSize`, holding no more than one batch in
 * memory. Amazon writes an order's lines together; lines of an order still in the current batch join it
 * wherever they are. An order that cannot be read (a bad value, a status Amazon added since) is set aside
 * with the report, order and column named; so is an order whose lines turn up again after its batch was
 * yielded (its copy is asked for again with getOrder), and a line without an order id. The rest is read.
 */
export async function* readAllOrdersReport(
  stream: Readable,
  reportId: string,
  batchSize: number,
): AsyncGenerator<ReportBatch> {
  const lines = createInterface({ input: stream, crlfDelay: Infinity });
  let header: string[] | null = null;
  let pending = new Map<string, Line[]>();
  let rejected: RejectedOrder[] = [];
  const yielded = new Set<string>();
  const flush = (): ReportBatch => {
    const drafts: OrderDraft[] = [];
    for (const [orderId, group] of pending) {
      yielded.add(orderId);
      try {
        drafts.push(draftOf(group as [Line, ...Line[]], `report ${reportId} order ${orderId}`));
      } catch (err) {
        if (!(err instanceof ReportFormatError)) throw err;
        rejected.push({ orderId, problem: err.message });
      }
    }
    const batch = { drafts, rejected };
    pending = new Map();
    rejected = [];
    return batch;
  };
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
    const where = `report ${reportId} line ${lineNumber}`;
    if (!orderId || orderId.length > MAX_ORDER_ID_LENGTH) {
      const problem = orderId
        ? `amazon-order-id is longer than ${MAX_ORDER_ID_LENGTH} characters`
        : 'amazon-order-id is empty';
      rejected.push({ orderId: null, problem: `${where}: ${problem}` });
      continue;
    }
    const group = pending.get(orderId);
    if (group) {
      group.push(line);
      continue;
    }
    if (yielded.has(orderId)) {
      rejected.push({
        orderId,
        problem: `${where}: order ${orderId} has lines apart from its others; its copy is asked for again`,
      });
      continue;
    }
    if (pending.size >= batchSize) yield flush();
    pending.set(orderId, [line]);
  }
  if (pending.size > 0 || rejected.length > 0) yield flush();
}
