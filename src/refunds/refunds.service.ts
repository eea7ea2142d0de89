import type { Company } from '../companies/companies.service.js';
import { describeIssues } from '../companies/companies.schema.js';
import { type Db, type Tx, inTransaction } from '../db/client.js';
import { lockOrderForRefund, readOrderForRefund, type RefundableOrder } from '../orders/orders.refunding.js';
import { UsageError } from '../shared/errors.js';
import { formatMoney, MoneyFormatError, parseMoney } from '../shared/money.js';
import { pricesIncludeTax } from './adjustment-codes.js';
import { orderBalanceOf } from './order-balances.js';
import { currencyOf } from './order-charges.js';
import { refundPaymentStatus, type RefundPaymentStatus } from './payment-status.js';
import { refreshPaymentStatus, storedPaymentStatus } from './payment-status.refresh.js';
import { refundInputSchema, type RefundInput } from './refund-input.js';
import { checkRefund, fullRefundLines, type RequestedLine } from './refundable.js';
import {
  insertRefund,
  lockRefund,
  moveRefunds,
  type NewRefundItem,
  type Refund,
} from './refunds.repository.js';

function refuseOrder(order: RefundableOrder | null, amazonOrderId: string): asserts order is RefundableOrder {
  const where = `order ${amazonOrderId}`;
  if (!order) throw new UsageError(`${where} is not known: download orders first, or check the id`);
  if (order.fulfillmentChannel === 'AFN') {
    throw new UsageError(
      `${where} is fulfilled by Amazon (FBA): Amazon handles FBA refunds and returns, not the seller`,
    );
  }
  if (order.status === 'Canceled')
    throw new UsageError(`${where} is cancelled: nothing was charged, there is nothing to refund`);
  if (!order.items.some((item) => item.quantityShipped > 0)) {
    throw new UsageError(
      `${where} is ${order.status} and nothing of it has shipped: Amazon charges the buyer only on shipment; ` +
        'cancel it instead (sellersync orders cancel)',
    );
  }
}

function parseInput(input: unknown): RefundInput {
  const parsed = refundInputSchema.safeParse(input);
  if (!parsed.success) throw new UsageError(`invalid refund: ${describeIssues(parsed.error)}`);
  return parsed.data;
}

function askedLines(order: RefundableOrder, values: RefundInput, currency: string): RequestedLine[] {
  return values.items.flatMap((wanted) => {
    const item = order.items.find((candidate) => candidate.orderItemId === wanted.orderItemId);
    if (!item)
      throw new UsageError(`order ${order.amazonOrderId} has no item ${wanted.orderItemId}`, {
        field: 'item',
      });
    if (item.quantityShipped === 0) {
      throw new UsageError(
        `item ${item.orderItemId} of order ${order.amazonOrderId} has not shipped, so nothing of it was charged: ` +
          'cancel it instead (sellersync orders cancel --item)',
        { field: 'item' },
      );
    }
    return wanted.components.map((c) => {
      try {
        return {
          orderItemId: item.orderItemId,
          component: c.component,
          amount: parseMoney(c.amount, currency),
        };
      } catch (err) {
        if (err instanceof MoneyFormatError)
          throw new UsageError(`item ${item.orderItemId} ${c.component}: ${err.message}`, { field: 'item' });
        throw err;
      }
    });
  });
}

function checkQuantity(order: RefundableOrder, values: RefundInput): void {
  if (values.quantity === undefined) return;
  const [only, ...others] = values.items;
  if (!only || others.length > 0 || values.full) {
    throw new UsageError(
      '--quantity goes with exactly one --item (the units of that line the refund is for)',
      {
        field: 'quantity',
      },
    );
  }
  const item = order.items.find((candidate) => candidate.orderItemId === only.orderItemId);
  if (item && values.quantity > item.quantityShipped) {
    throw new UsageError(
      `--quantity ${values.quantity}: item ${item.orderItemId} shipped only ${item.quantityShipped}`,
      { field: 'quantity' },
    );
  }
}

function refundItems(
  order: RefundableOrder,
  lines: RequestedLine[],
  currency: string,
  quantity?: number,
): NewRefundItem[] {
  const byItem = new Map<string, RequestedLine[]>();
  for (const line of lines) byItem.set(line.orderItemId, [...(byItem.get(line.orderItemId) ?? []), line]);
  return [...byItem].map(([orderItemId, itemLines]) => {
    const item = order.items.find((candidate) => candidate.orderItemId === orderItemId)!;
    return {
      orderItemRowId: item.rowId,
      orderItemId,
      quantity: quantity ?? null,
      components: itemLines.map((l) => ({ component: l.component, amount: formatMoney(l.amount, currency) })),
    };
  });
}

export interface RefundSettings {
  holdMinutes: number;
}

export interface RefundRequested {
  refund: Refund;
  /** What is left of the order once this refund is through. */
  left: string;
  paymentStatus: RefundPaymentStatus;
}

/**
 * Records a refund in Postgres only (state requested, held for REFUND_HOLD_MINUTES); the refund upload
 * sends it once the hold has passed. The order row stays locked until the refund is written, so two
 * refunds of one order are checked one after the other against what is left, in-flight refunds counted.
 */
export async function requestRefund(
  db: Db,
  company: Company,
  input: unknown,
  settings: RefundSettings,
  now: Date,
): Promise<RefundRequested> {
  const values = parseInput(input);
  return inTransaction(db, async (tx) => {
    const order = await lockOrderForRefund(tx, company.id, values.amazonOrderId);
    refuseOrder(order, values.amazonOrderId);
    return recordRefund(tx, company, order, values, settings, now);
  });
}

/** The refund of a locked order: what `requestRefund` and a return's refund share. */
export async function recordRefund(
  tx: Tx,
  company: Company,
  order: RefundableOrder,
  values: RefundInput,
  settings: RefundSettings,
  now: Date,
): Promise<RefundRequested> {
  const currency = currencyOf(order);
  if (!currency)
    throw new UsageError(`order ${order.amazonOrderId} has no currency yet: download orders again`);
  if (values.full && values.items.length > 0)
    throw new UsageError('give either --full or --item, not both', { field: 'full' });
  checkQuantity(order, values);
  const balance = await orderBalanceOf(tx, company.id, order);
  const lines = values.full ? fullRefundLines(balance) : askedLines(order, values, currency);
  if (values.full && lines.length === 0) {
    throw new UsageError(
      `order ${order.amazonOrderId}: nothing is left to refund (charged ${formatMoney(balance.charged, currency)}, ` +
        `refunded or in flight ${formatMoney(balance.refunded, currency)})`,
    );
  }
  checkRefund(balance, lines, { currency, taxInclusive: pricesIncludeTax(order.marketplaceId) });
  const refund = await insertRefund(tx, {
    companyId: company.id,
    orderId: order.id,
    amazonOrderId: order.amazonOrderId,
    marketplaceId: order.marketplaceId ?? company.marketplaceIds[0] ?? '',
    currency,
    reason: values.reason,
    initiatedBy: 'seller',
    full: values.full,
    holdUntil: new Date(now.getTime() + settings.holdMinutes * 60_000),
    requestedAt: now,
    items: refundItems(order, lines, currency, values.quantity),
  });
  const after = await orderBalanceOf(tx, company.id, order);
  const statuses = await refreshPaymentStatus(tx, company.id, [order.amazonOrderId]);
  return {
    refund,
    left: formatMoney(after.left, currency),
    paymentStatus: statuses.get(order.amazonOrderId) ?? refundPaymentStatus(after),
  };
}

/** Undoes a refund no feed has taken yet (at `now`, our clock): it no longer counts, and is never sent. */
export async function cancelRefund(db: Db, companyId: number, refundId: number, now: Date): Promise<Refund> {
  return db.transaction().execute(async (tx) => {
    const refund = await lockRefund(tx, companyId, refundId);
    if (!refund) throw new UsageError(`refund ${refundId} is not known for company ${companyId}`);
    if (refund.state !== 'requested') {
      const why =
        refund.state === 'in_feed' || refund.state === 'accepted'
          ? 'it is already on its way to Amazon; a refund sent cannot be taken back'
          : `it is already ${refund.state}`;
      throw new UsageError(`refund ${refundId} cannot be cancelled: ${why}`);
    }
    await moveRefunds(tx, [refund.id], 'cancelled', now, {}, ['requested']);
    return { ...refund, state: 'cancelled' };
  });
}

export interface ComponentView {
  component: string;
  charged: string;
  /** Accepted, ours and Amazon's. */
  refunded: string;
  /** The part of `refunded` the settlements show Amazon gave (or given outside sellersync). */
  refundedByAmazon: string;
  inFlight: string;
  left: string;
}

export interface RefundableView {
  amazonOrderId: string;
  currency: string;
  status: string;
  paymentStatus: RefundPaymentStatus;
  charged: string;
  refunded: string;
  refundedByAmazon: string;
  inFlight: string;
  left: string;
  lines: { orderItemId: string; quantityShipped: number; components: ComponentView[] }[];
}

/**
 * Per line and component: charged, refunded (accepted, ours and Amazon's), of that what the settlements
 * show Amazon refunded itself, in flight, and left.
 */
export async function refundableOf(
  db: Db,
  companyId: number,
  amazonOrderId: string,
): Promise<RefundableView> {
  const order = await readOrderForRefund(db, companyId, amazonOrderId);
  if (!order)
    throw new UsageError(`order ${amazonOrderId} is not known: download orders first, or check the id`);
  const currency = currencyOf(order) ?? 'USD';
  const balance = await orderBalanceOf(db, companyId, order);
  const f = (v: bigint) => formatMoney(v, currency);
  return {
    amazonOrderId,
    currency,
    status: order.status,
    paymentStatus:
      order.refundPaymentStatus ??
      (await storedPaymentStatus(db, companyId, amazonOrderId)) ??
      refundPaymentStatus(balance),
    charged: f(balance.charged),
    refunded: f(balance.refunded - balance.inFlight),
    refundedByAmazon: f(balance.refundedByAmazon),
    inFlight: f(balance.inFlight),
    left: f(balance.left),
    lines: balance.lines.map((line) => ({
      orderItemId: line.orderItemId,
      quantityShipped: line.quantityShipped,
      components: line.components.map((c) => ({
        component: c.component,
        charged: f(c.charged),
        refunded: f(c.refunded),
        refundedByAmazon: f(c.refundedByAmazon),
        inFlight: f(c.inFlight),
        left: f(c.left),
      })),
    })),
  };
}
