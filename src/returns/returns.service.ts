import { sql } from 'kysely';
import type { Company } from '../companies/companies.service.js';
import { type Db, type Tx, inTransaction } from '../db/client.js';
import { lockOrderForRefund } from '../orders/orders.refunding.js';
import { UsageError } from '../shared/errors.js';
import { formatMoney, MoneyFormatError, parseMoney, prorate } from '../shared/money.js';
import { pricesIncludeTax, type AdjustmentComponent } from '../refunds/adjustment-codes.js';
import { orderBalanceOf } from '../refunds/order-balances.js';
import { currencyOf } from '../refunds/order-charges.js';
import type { RefundsDecided } from '../refunds/refund-events.js';
import { recordRefund, type RefundRequested, type RefundSettings } from '../refunds/refunds.service.js';
import { addBusinessDays } from './business-days.js';
import type { ReturnCondition, ReturnRow, ReturnState } from './returns.table.js';

/** Amazon's rule: refund within 2 business days of receiving a return, or Amazon may refund instead. */
export const REFUND_BY_BUSINESS_DAYS = 2;

export interface ReturnItem {
  orderItemId: string;
  quantity: number;
}

export interface Return {
  id: number;
  rmaId: string;
  companyId: number;
  amazonOrderId: string;
  reason: string;
  condition: ReturnCondition;
  state: ReturnState;
  refundId: number | null;
  authorizedAt: Date;
  receivedAt: Date | null;
  refundBy: Date | null;
  refundedAt: Date | null;
  closedAt: Date | null;
  /** Why the return is back to received: Amazon's message on its rejected refund. */
  refundProblem: string | null;
  items: ReturnItem[];
}

export function rmaIdOf(id: number): string {
  return `RMA-${id}`;
}

/** `RMA-12` or `12`. */
export function parseRmaId(value: string): number {
  const match = /^(?:RMA-)?([1-9]\d{0,14})$/i.exec(value.trim());
  if (!match) throw new UsageError(`${value}: expected an RMA id like RMA-12`, { field: 'rma-id' });
  return Number(match[1]);
}

async function withItems(db: Db | Tx, rows: ReturnRow[]): Promise<Return[]> {
  if (rows.length === 0) return [];
  const items = await db
    .selectFrom('return_items')
    .selectAll()
    .where('return_id', '=', sql<number>`ANY(${rows.map((r) => r.id)}::bigint[])`)
    .orderBy('order_item_row_id')
    .execute();
  return rows.map((row) => ({
    id: Number(row.id),
    rmaId: rmaIdOf(Number(row.id)),
    companyId: Number(row.company_id),
    amazonOrderId: row.amazon_order_id,
    reason: row.reason,
    condition: row.condition,
    state: row.state,
    refundId: row.refund_id === null ? null : Number(row.refund_id),
    authorizedAt: row.authorized_at,
    receivedAt: row.received_at,
    refundBy: row.refund_by,
    refundedAt: row.refunded_at,
    closedAt: row.closed_at,
    refundProblem: row.refund_problem,
    items: items
      .filter((item) => Number(item.return_id) === Number(row.id))
      .map((item) => ({ orderItemId: item.order_item_id, quantity: item.quantity })),
  }));
}

export interface NewReturn {
  amazonOrderId: string;
  items: ReturnItem[];
  reason: string;
  condition: ReturnCondition;
}

/** Authorizes a return of shipped units of a seller-fulfilled order (never more than shipped, less earlier returns). */
export async function addReturn(db: Db, company: Company, input: NewReturn, now: Date): Promise<Return> {
  if (input.reason.trim() === '')
    throw new UsageError('--reason: say why the buyer returns it', { field: 'reason' });
  if (input.items.length === 0)
    throw new UsageError('--item: give at least one <order-item-id>:<qty>', { field: 'item' });
  return db.transaction().execute(async (tx) => {
    const order = await lockOrderForRefund(tx, company.id, input.amazonOrderId);
    if (!order)
      throw new UsageError(
        `order ${input.amazonOrderId} is not known: download orders first, or check the id`,
      );
    if (order.fulfillmentChannel === 'AFN')
      throw new UsageError(
        `order ${order.amazonOrderId} is fulfilled by Amazon (FBA): Amazon handles FBA returns`,
      );
    const returned = await tx
      .selectFrom('return_items')
      .innerJoin('returns', 'returns.id', 'return_items.return_id')
      .select([
        'return_items.order_item_row_id',
        (eb) => eb.fn.sum<string>('return_items.quantity').as('quantity'),
      ])
      .where('returns.order_id', '=', order.id)
      .groupBy('return_items.order_item_row_id')
      .execute();
    const rows = input.items.map((wanted) => {
      const item = order.items.find((candidate) => candidate.orderItemId === wanted.orderItemId);
      if (!item)
        throw new UsageError(`order ${order.amazonOrderId} has no item ${wanted.orderItemId}`, {
          field: 'item',
        });
      const already = Number(returned.find((r) => Number(r.order_item_row_id) === item.rowId)?.quantity ?? 0);
      const left = item.quantityShipped - already;
      if (wanted.quantity > left) {
        throw new UsageError(
          `item ${item.orderItemId}: cannot return ${wanted.quantity}, only ${left} of the ${item.quantityShipped} shipped ` +
            `are not already being returned${item.quantityShipped === 0 ? ' (nothing shipped: cancel it instead)' : ''}`,
          { field: 'item' },
        );
      }
      return { rowId: item.rowId, orderItemId: item.orderItemId, quantity: wanted.quantity };
    });
    const row = await tx
      .insertInto('returns')
      .values({
        company_id: company.id,
        order_id: order.id,
        amazon_order_id: order.amazonOrderId,
        reason: input.reason.trim(),
        condition: input.condition,
        authorized_at: now,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    await tx
      .insertInto('return_items')
      .values(
        rows.map((r) => ({
          return_id: row.id,
          order_item_row_id: r.rowId,
          order_item_id: r.orderItemId,
          quantity: r.quantity,
        })),
      )
      .execute();
    return (await withItems(tx, [row]))[0]!;
  });
}

async function lockReturn(tx: Tx, id: number): Promise<ReturnRow> {
  const row = await tx.selectFrom('returns').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
  if (!row) throw new UsageError(`return ${rmaIdOf(id)} is not known`);
  return row;
}

/** The units arrived: the refund is due within 2 business days. */
export async function receiveReturn(db: Db, id: number, now: Date): Promise<Return> {
  return db.transaction().execute(async (tx) => {
    const row = await lockReturn(tx, id);
    if (row.state !== 'authorized') throw new UsageError(`return ${rmaIdOf(id)} is already ${row.state}`);
    const updated = await tx
      .updateTable('returns')
      .set({
        state: 'received',
        received_at: now,
        refund_by: addBusinessDays(now, REFUND_BY_BUSINESS_DAYS),
        updated_at: now,
      })
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirstOrThrow();
    return (await withItems(tx, [updated]))[0]!;
  });
}

/**
 * Refunds a received return: for each returned line its share of the Principal (and Tax, where tax is
 * separate) charged for the units returned, never more than is left, less a restocking fee if given.
 * The refund goes through the refunds' own checks and hold, in the return's transaction.
 */
export async function refundReturn(
  db: Db,
  company: Company,
  id: number,
  options: { restockingFee?: string },
  settings: RefundSettings,
  now: Date,
): Promise<{ return: Return; refund: RefundRequested }> {
  return inTransaction(db, async (tx) => {
    const row = await lockReturn(tx, id);
    if (Number(row.company_id) !== company.id)
      throw new UsageError(`return ${rmaIdOf(id)} is not known for company ${company.id}`);
    if (row.state !== 'received') {
      const why =
        row.state === 'authorized'
          ? 'it has not been received yet (returns receive)'
          : `it is already ${row.state}`;
      throw new UsageError(`return ${rmaIdOf(id)} cannot be refunded: ${why}`);
    }
    const [current] = await withItems(tx, [row]);
    const order = await lockOrderForRefund(tx, company.id, row.amazon_order_id);
    const currency = order ? currencyOf(order) : null;
    if (!order || !currency)
      throw new UsageError(`order ${row.amazon_order_id} cannot be refunded: download orders again`);
    const balance = await orderBalanceOf(tx, company.id, order);
    const taxInclusive = pricesIncludeTax(order.marketplaceId);
    const items = current!.items.map((returned) => {
      const item = order.items.find((candidate) => candidate.orderItemId === returned.orderItemId)!;
      const line = balance.lines.find((l) => l.orderItemId === returned.orderItemId);
      const share = (component: AdjustmentComponent) => {
        const c = line?.components.find((candidate) => candidate.component === component);
        if (!c) return 0n;
        const part = prorate(c.charged, returned.quantity, Math.max(1, item.quantityShipped));
        return part < c.left ? part : c.left;
      };
      const kinds: AdjustmentComponent[] = taxInclusive ? ['Principal'] : ['Principal', 'Tax'];
      const components = kinds
        .map((component) => ({ component, amount: share(component) }))
        .filter((c) => c.amount > 0n)
        .map((c) => ({ component: c.component, amount: formatMoney(c.amount, currency) }));
      return { orderItemId: returned.orderItemId, components };
    });
    if (options.restockingFee !== undefined) {
      try {
        const fee = parseMoney(options.restockingFee, currency);
        if (fee <= 0n)
          throw new UsageError('--restocking-fee: give the fee as a positive amount, e.g. 5.00', {
            field: 'restocking-fee',
          });
        items[0]?.components.push({ component: 'RestockingFee', amount: formatMoney(-fee, currency) });
      } catch (err) {
        if (err instanceof MoneyFormatError)
          throw new UsageError(`--restocking-fee: ${err.message}`, { field: 'restocking-fee' });
        throw err;
      }
    }
    const refund = await recordRefund(
      tx,
      company,
      order,
      {
        amazonOrderId: order.amazonOrderId,
        reason: 'CustomerReturn',
        full: false,
        items: items.filter((i) => i.components.length > 0) as never,
      },
      settings,
      now,
    );
    const updated = await tx
      .updateTable('returns')
      .set({
        state: 'refunded',
        refund_id: refund.refund.id,
        refunded_at: now,
        refund_problem: null,
        updated_at: now,
      })
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirstOrThrow();
    return { return: (await withItems(tx, [updated]))[0]!, refund };
  });
}

/**
 * Amazon's verdicts on refunds, in the transaction that applies them (registered in `src/wiring.ts`): a
 * return whose refund Amazon accepted is closed; one whose refund Amazon rejected is back to received,
 * with Amazon's message, to be refunded again before its refund-by deadline.
 */
export async function followDecidedRefunds(tx: Tx, event: RefundsDecided): Promise<void> {
  if (event.accepted.length > 0)
    await tx
      .updateTable('returns')
      .set({ state: 'closed', closed_at: event.at, updated_at: event.at })
      .where('company_id', '=', event.companyId)
      .where('state', '=', 'refunded')
      .where('refund_id', '=', sql<number>`ANY(${event.accepted}::bigint[])`)
      .execute();
  for (const rejected of event.rejected)
    await tx
      .updateTable('returns')
      .set({
        state: 'received',
        refund_id: null,
        refunded_at: null,
        refund_problem: `refund ${rejected.refundId} rejected by Amazon: ${rejected.message}`,
        updated_at: event.at,
      })
      .where('company_id', '=', event.companyId)
      .where('state', '=', 'refunded')
      .where('refund_id', '=', rejected.refundId)
      .execute();
}

/** A return whose refund the operator undid (refunds cancel) is back to received when next listed. */
async function followCancelledRefunds(db: Db): Promise<void> {
  await sql`
    UPDATE returns AS r SET state = 'received', refund_id = NULL, refunded_at = NULL, updated_at = now()
    FROM refunds AS f WHERE r.refund_id = f.id AND r.state = 'refunded' AND f.state = 'cancelled'
  `.execute(db);
}

export async function listReturns(
  db: Db,
  filter: { companyId?: number; open?: boolean } = {},
): Promise<Return[]> {
  await followCancelledRefunds(db);
  let query = db.selectFrom('returns').selectAll();
  if (filter.companyId !== undefined) query = query.where('company_id', '=', filter.companyId);
  if (filter.open) query = query.where('state', 'in', ['authorized', 'received', 'refunded']);
  return withItems(db, await query.orderBy('id').execute());
}

/** One return of a company, or undefined. */
export async function findReturn(db: Db, companyId: number, id: number): Promise<Return | undefined> {
  const row = await db
    .selectFrom('returns')
    .selectAll()
    .where('id', '=', id)
    .where('company_id', '=', companyId)
    .executeTakeFirst();
  return row ? (await withItems(db, [row]))[0] : undefined;
}

export interface ReturnAtRisk extends Return {
  hoursLeft: number;
  late: boolean;
}

/** Received returns not refunded yet whose refund-by deadline has passed or falls within `hours`, soonest first. */
export async function returnsAtRisk(
  db: Db,
  companyId: number | undefined,
  hours: number,
  now: Date,
): Promise<ReturnAtRisk[]> {
  const horizon = new Date(now.getTime() + hours * 3_600_000);
  const open = (await listReturns(db, companyId === undefined ? {} : { companyId })).filter(
    (r) => r.state === 'received' && r.refundBy !== null && r.refundBy <= horizon,
  );
  return open
    .sort((a, b) => a.refundBy!.getTime() - b.refundBy!.getTime())
    .map((r) => {
      const hoursLeft = (r.refundBy!.getTime() - now.getTime()) / 3_600_000;
      return { ...r, hoursLeft: Math.round(hoursLeft * 10) / 10, late: hoursLeft < 0 };
    });
}
