import { DAY, MINUTE, isoSeconds } from '../clock.js';
import { invalidInput, json, parseTime, route, type Route, type SimRequest } from '../http.js';
import { formatCents, type MoneyLine, type SimOrder } from '../model.js';
import type { Simulation } from '../simulation.js';

/**
 * Finances API 2024-06-19 listTransactions, from the same money lines the settlements carry: one
 * Shipment transaction per shipment of an order, one Refund transaction per refund. A sale is DEFERRED
 * under Amazon's delivery-date policy (DD7) for 7 days after it posts, then DEFERRED_RELEASED; refunds
 * are RELEASED when they post.
 */

const PAGE_SIZE = 10;
const DEFERRAL_MS = 7 * DAY;

function currency(cents: number, code: string) {
  // Amazon writes amounts as JSON numbers (BigDecimal); formatting via the decimal string keeps them exact.
  return { currencyCode: code, currencyAmount: Number(formatCents(cents)) };
}

const sum = (lines: MoneyLine[]) => lines.reduce((total, line) => total + line.amountCents, 0);

const BREAKDOWN_TYPES: Record<string, string> = {
  ItemPrice: 'ProductCharges',
  ItemFees: 'AmazonFees',
  Promotion: 'Promotions',
};

function breakdowns(lines: MoneyLine[], code: string) {
  const byType = new Map<string, MoneyLine[]>();
  for (const line of lines) {
    const type = BREAKDOWN_TYPES[line.amountType] ?? line.amountType;
    byType.set(type, [...(byType.get(type) ?? []), line]);
  }
  return [...byType].map(([breakdownType, typed]) => ({
    breakdownType,
    breakdownAmount: currency(sum(typed), code),
    breakdowns: typed.map((line) => ({
      breakdownType: line.amountDescription,
      breakdownAmount: currency(line.amountCents, code),
      breakdowns: [],
    })),
  }));
}

/** Amazon's refund line id, as the v0 RefundEvent writes it for the same line. */
export function orderAdjustmentItemId(line: MoneyLine): string {
  return `${line.adjustmentId.slice(-8)}${line.orderItemCode.slice(-6)}`;
}

function itemOf(lines: MoneyLine[], order: SimOrder, refund: boolean) {
  const first = lines[0] as MoneyLine;
  const item = order.items.find((candidate) => candidate.orderItemId === first.orderItemCode);
  return {
    description: item?.title ?? first.sku,
    totalAmount: currency(sum(lines), order.currency),
    relatedIdentifiers: refund
      ? [
          {
            itemRelatedIdentifierName: 'ORDER_ADJUSTMENT_ITEM_ID',
            itemRelatedIdentifierValue: orderAdjustmentItemId(first),
          },
        ]
      : [],
    breakdowns: breakdowns(lines, order.currency),
    contexts: [
      {
        contextType: 'ProductContext',
        asin: item?.asin ?? '',
        sku: first.sku,
        quantityShipped: refund ? 0 : (first.quantity ?? 0),
        fulfillmentNetwork: first.fulfillmentId,
      },
    ],
  };
}

function transactionOf(lines: MoneyLine[], order: SimOrder, now: Date) {
  const first = lines[0] as MoneyLine;
  const refund = first.transactionType !== 'Order';
  const maturity = new Date(first.posted.getTime() + DEFERRAL_MS);
  const deferred = !refund && now < maturity;
  const byItem = new Map<string, MoneyLine[]>();
  for (const line of lines) byItem.set(line.orderItemCode, [...(byItem.get(line.orderItemCode) ?? []), line]);
  const id = refund ? first.adjustmentId : first.shipmentId;
  return {
    sellingPartnerMetadata: {
      sellingPartnerId: order.sellerId,
      accountType: 'PAYABLE',
      marketplaceId: order.marketplaceId,
    },
    relatedIdentifiers: [
      { relatedIdentifierName: 'ORDER_ID', relatedIdentifierValue: order.orderId },
      { relatedIdentifierName: refund ? 'REFUND_ID' : 'SHIPMENT_ID', relatedIdentifierValue: id },
    ],
    transactionType: refund ? 'Refund' : 'Shipment',
    transactionId: `${refund ? 'R' : 'S'}${id}-${order.orderId}`,
    transactionStatus: refund ? 'RELEASED' : deferred ? 'DEFERRED' : 'DEFERRED_RELEASED',
    description: refund ? 'Refund Order' : 'Order Payment',
    postedDate: isoSeconds(first.posted),
    totalAmount: currency(sum(lines), order.currency),
    marketplaceDetails: { marketplaceId: order.marketplaceId, marketplaceName: 'Amazon.com' },
    items: [...byItem.values()].map((itemLines) => itemOf(itemLines, order, refund)),
    contexts: refund
      ? []
      : [{ contextType: 'DeferredContext', deferralReason: 'DD7', maturityDate: isoSeconds(maturity) }],
    breakdowns: breakdowns(lines, order.currency),
  };
}

function listTransactions(sim: Simulation, request: SimRequest) {
  const now = sim.now();
  const { query } = request;
  const relatedName = query.get('relatedIdentifierName');
  const relatedValue = query.get('relatedIdentifierValue');
  const after = parseTime(query.get('postedAfter'), 'postedAfter');
  const before = parseTime(query.get('postedBefore'), 'postedBefore') ?? new Date(now.getTime() - 2 * MINUTE);
  if (after === undefined && relatedValue === null)
    throw invalidInput('postedAfter is required when no related identifier is given.');
  if (before.getTime() > now.getTime() - 2 * MINUTE)
    throw invalidInput('postedBefore must be more than two minutes before the time of the request.');
  if (after !== undefined && after >= before) throw invalidInput('postedAfter must be before postedBefore.');
  if (relatedName !== null && relatedName !== 'ORDER_ID' && relatedName !== 'FINANCIAL_EVENT_GROUP_ID')
    throw invalidInput(`relatedIdentifierName ${relatedName} cannot be used for filtering.`);
  const groups = new Map<string, MoneyLine[]>();
  for (const line of sim.store.ledger) {
    if (line.sellerId !== request.sellerId || line.orderId === '') continue;
    if (relatedName === 'ORDER_ID' && line.orderId !== relatedValue) continue;
    if ((after !== undefined && line.posted < after) || line.posted >= before) continue;
    const key = `${line.transactionType}/${line.shipmentId || line.adjustmentId}/${line.orderId}`;
    groups.set(key, [...(groups.get(key) ?? []), line]);
  }
  const status = query.get('transactionStatus');
  const marketplaceId = query.get('marketplaceId');
  const transactions = [...groups.values()]
    .map((lines) => ({ lines, order: sim.store.orders.get(lines[0]?.orderId ?? '') }))
    .filter((entry): entry is { lines: MoneyLine[]; order: SimOrder } => entry.order !== undefined)
    .filter(({ order }) => marketplaceId === null || order.marketplaceId === marketplaceId)
    .map(({ lines, order }) => transactionOf(lines, order, now))
    .filter((transaction) => status === null || transaction.transactionStatus === status);
  const token = query.get('nextToken');
  const offset = token === null ? 0 : Number(Buffer.from(token, 'base64url').toString());
  if (!Number.isInteger(offset) || offset < 0) throw invalidInput('The nextToken is not valid.');
  const page = transactions.slice(offset, offset + PAGE_SIZE);
  const next = offset + PAGE_SIZE < transactions.length;
  return json(200, {
    payload: {
      transactions: page,
      ...(next ? { nextToken: Buffer.from(String(offset + PAGE_SIZE)).toString('base64url') } : {}),
    },
  });
}

export const transactionRoutes: Route[] = [
  route('GET', '/finances/2024-06-19/transactions', 'sp-api', 'listTransactions', listTransactions),
];
