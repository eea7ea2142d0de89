import { sql } from 'kysely';
import type { Db, Tx } from '../db/client.js';
import { formatMoney, storedMoney } from '../shared/money.js';
import type { AdjustmentComponent, AdjustmentReason } from './adjustment-codes.js';
import {
  COUNTING_STATES,
  refundStatesLeadingTo,
  type RefundInitiator,
  type RefundRow,
  type RefundState,
} from './refunds.table.js';

export interface RefundComponent {
  component: AdjustmentComponent;
  /** Decimal string in the refund's currency: the line total. */
  amount: string;
  settlementLineRef: string | null;
}

export interface RefundItem {
  orderItemRowId: number;
  orderItemId: string;
  merchantAdjustmentItemId: string;
  quantity: number | null;
  components: RefundComponent[];
}

export interface Refund {
  id: number;
  companyId: number;
  orderId: number;
  amazonOrderId: string;
  marketplaceId: string;
  currency: string;
  reason: AdjustmentReason;
  initiatedBy: RefundInitiator;
  full: boolean;
  state: RefundState;
  holdUntil: Date;
  feedId: number | null;
  attempts: number;
  retryAfter: Date | null;
  lastError: string | null;
  resultCode: string | null;
  resultMessage: string | null;
  requestedAt: Date;
  finishedAt: Date | null;
  items: RefundItem[];
}

function toRefund(row: RefundRow, items: RefundItem[]): Refund {
  return {
    id: Number(row.id),
    companyId: Number(row.company_id),
    orderId: Number(row.order_id),
    amazonOrderId: row.amazon_order_id,
    marketplaceId: row.marketplace_id,
    currency: row.currency,
    reason: row.reason,
    initiatedBy: row.initiated_by,
    full: row.full,
    state: row.state,
    holdUntil: row.hold_until,
    feedId: row.feed_id === null ? null : Number(row.feed_id),
    attempts: row.attempts,
    retryAfter: row.retry_after,
    lastError: row.last_error,
    resultCode: row.result_code,
    resultMessage: row.result_message,
    requestedAt: row.requested_at,
    finishedAt: row.finished_at,
    items,
  };
}

export interface NewRefundItem {
  orderItemRowId: number;
  orderItemId: string;
  quantity: number | null;
  components: { component: AdjustmentComponent; amount: string }[];
}

export interface NewRefund {
  companyId: number;
  orderId: number;
  amazonOrderId: string;
  marketplaceId: string;
  currency: string;
  reason: AdjustmentReason;
  initiatedBy: RefundInitiator;
  full: boolean;
  holdUntil: Date;
  requestedAt: Date;
  items: NewRefundItem[];
}

/** Our id of one adjusted line, echoed by Amazon in settlements as merchant-adjustment-item-id (≤ 50 chars). */
export function merchantAdjustmentItemId(refundId: number, orderItemId: string): string {
  return `SSR${refundId}-${orderItemId}`.slice(0, 50);
}

export async function insertRefund(tx: Tx, refund: NewRefund): Promise<Refund> {
  const accepted = refund.initiatedBy === 'amazon';
  const row = await tx
    .insertInto('refunds')
    .values({
      company_id: refund.companyId,
      order_id: refund.orderId,
      amazon_order_id: refund.amazonOrderId,
      marketplace_id: refund.marketplaceId,
      currency: refund.currency,
      reason: refund.reason,
      initiated_by: refund.initiatedBy,
      full: refund.full,
      hold_until: refund.holdUntil,
      requested_at: refund.requestedAt,
      ...(accepted ? { state: 'accepted' as const, finished_at: refund.requestedAt } : {}),
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  const id = Number(row.id);
  const items: RefundItem[] = refund.items.map((item) => ({
    orderItemRowId: item.orderItemRowId,
    orderItemId: item.orderItemId,
    merchantAdjustmentItemId: merchantAdjustmentItemId(id, item.orderItemId),
    quantity: item.quantity,
    components: item.components.map((c) => ({ ...c, settlementLineRef: null })),
  }));
  await tx
    .insertInto('refund_items')
    .values(
      items.map((item) => ({
        refund_id: id,
        order_item_row_id: item.orderItemRowId,
        order_item_id: item.orderItemId,
        merchant_adjustment_item_id: item.merchantAdjustmentItemId,
        quantity: item.quantity,
      })),
    )
    .execute();
  await tx
    .insertInto('refund_lines')
    .values(
      items.flatMap((item) =>
        item.components.map((c) => ({
          refund_id: id,
          order_item_row_id: item.orderItemRowId,
          component: c.component,
          amount: c.amount,
        })),
      ),
    )
    .execute();
  return toRefund(row, items);
}

async function withItems(db: Db | Tx, rows: RefundRow[]): Promise<Refund[]> {
  if (rows.length === 0) return [];
  const ids = rows.map((r) => r.id);
  const items = await db
    .selectFrom('refund_items')
    .selectAll()
    .where('refund_id', '=', sql<number>`ANY(${ids}::bigint[])`)
    .orderBy('refund_id')
    .orderBy('order_item_row_id')
    .execute();
  const lines = await db
    .selectFrom('refund_lines')
    .selectAll()
    .where('refund_id', '=', sql<number>`ANY(${ids}::bigint[])`)
    .execute();
  const byRefund = new Map<number, RefundItem[]>();
  const currencyOf = new Map(rows.map((row) => [Number(row.id), row.currency]));
  for (const item of items) {
    const refundId = Number(item.refund_id);
    const currency = currencyOf.get(refundId) ?? 'USD';
    const components = lines
      .filter(
        (l) =>
          Number(l.refund_id) === refundId && Number(l.order_item_row_id) === Number(item.order_item_row_id),
      )
      .map((l) => ({
        component: l.component,
        amount: formatMoney(storedMoney(l.amount, currency), currency),
        settlementLineRef: l.settlement_line_ref,
      }));
    byRefund.set(refundId, [
      ...(byRefund.get(refundId) ?? []),
      {
        orderItemRowId: Number(item.order_item_row_id),
        orderItemId: item.order_item_id,
        merchantAdjustmentItemId: item.merchant_adjustment_item_id,
        quantity: item.quantity,
        components,
      },
    ]);
  }
  return rows.map((row) => toRefund(row, byRefund.get(Number(row.id)) ?? []));
}

export interface RefundFilter {
  ids?: number[];
  states?: readonly RefundState[];
  orderId?: number;
}

export async function listRefunds(
  db: Db | Tx,
  companyId: number,
  filter: RefundFilter = {},
): Promise<Refund[]> {
  let query = db.selectFrom('refunds').selectAll().where('company_id', '=', companyId);
  if (filter.ids) query = query.where('id', '=', sql<number>`ANY(${filter.ids}::bigint[])`);
  if (filter.states) query = query.where('state', 'in', [...filter.states]);
  if (filter.orderId !== undefined) query = query.where('order_id', '=', filter.orderId);
  return withItems(db, await query.orderBy('id').execute());
}

/** Every component of these orders' refunds that counts against what is left (accepted or in flight). */
export async function countedRefundLinesOf(db: Db | Tx, orderIds: number[]) {
  if (orderIds.length === 0) return [];
  const rows = await db
    .selectFrom('refund_lines')
    .innerJoin('refunds', 'refunds.id', 'refund_lines.refund_id')
    .innerJoin('refund_items', (join) =>
      join
        .onRef('refund_items.refund_id', '=', 'refund_lines.refund_id')
        .onRef('refund_items.order_item_row_id', '=', 'refund_lines.order_item_row_id'),
    )
    .select([
      'refunds.order_id',
      'refund_items.order_item_id',
      'refund_lines.component',
      'refund_lines.amount',
      'refunds.state',
    ])
    .where('refunds.order_id', '=', sql<number>`ANY(${orderIds}::bigint[])`)
    .where('refunds.state', 'in', [...COUNTING_STATES])
    .execute();
  return rows.map((row) => ({
    orderId: Number(row.order_id),
    orderItemId: row.order_item_id,
    component: row.component,
    amount: row.amount,
    inFlight: row.state !== 'accepted',
  }));
}

/** Refunds past their hold waiting for a feed (and past any backoff), row-locked (SKIP LOCKED). */
export async function lockDueRefunds(tx: Tx, companyId: number, now: Date): Promise<Refund[]> {
  const rows = await tx
    .selectFrom('refunds')
    .selectAll()
    .where('company_id', '=', companyId)
    .where('state', '=', 'requested')
    .where('hold_until', '<=', now)
    .where((eb) => eb.or([eb('retry_after', 'is', null), eb('retry_after', '<=', now)]))
    .orderBy('id')
    .forUpdate()
    .skipLocked()
    .execute();
  return withItems(tx, rows);
}

/** When the next refund still held (or backing off) becomes due, if any. */
export async function nextRefundDue(db: Db | Tx, companyId: number, now: Date): Promise<Date | null> {
  const row = await db
    .selectFrom('refunds')
    .select((eb) => eb.fn.min<Date>(sql`GREATEST(hold_until, COALESCE(retry_after, hold_until))`).as('due'))
    .where('company_id', '=', companyId)
    .where('state', '=', 'requested')
    .where(sql<boolean>`GREATEST(hold_until, COALESCE(retry_after, hold_until)) > ${now}`)
    .executeTakeFirst();
  return row?.due ? new Date(row.due) : null;
}

/** The refund row-locked, for an undo that must not race the feed taking it. */
export async function lockRefund(tx: Tx, companyId: number, refundId: number): Promise<Refund | null> {
  const row = await tx
    .selectFrom('refunds')
    .selectAll()
    .where('company_id', '=', companyId)
    .where('id', '=', refundId)
    .forUpdate()
    .executeTakeFirst();
  return row ? ((await withItems(tx, [row]))[0] ?? null) : null;
}

type RefundChanges = {
  feed_id?: number | null;
  last_error?: string | null;
  result_code?: string | null;
  result_message?: string | null;
};

/**
 * Moves refunds to `to` from the states the transition table allows; returns the ids moved. A move to a
 * final state finishes them at `now` (our clock, as their requests and Amazon's verdicts are).
 */
export async function moveRefunds(
  db: Db | Tx,
  ids: number[],
  to: RefundState,
  now: Date,
  changes: RefundChanges = {},
  onlyFrom?: readonly RefundState[],
): Promise<number[]> {
  if (ids.length === 0) return [];
  const finished = to === 'accepted' || to === 'rejected' || to === 'cancelled';
  const rows = await db
    .updateTable('refunds')
    .set({ ...changes, state: to, updated_at: new Date(), finished_at: finished ? now : null })
    .where('id', '=', sql<number>`ANY(${ids}::bigint[])`)
    .where('state', 'in', [...(onlyFrom ?? refundStatesLeadingTo(to))])
    .returning('id')
    .execute();
  return rows.map((row) => Number(row.id));
}
