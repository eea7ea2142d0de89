import { sql } from 'kysely';
import type { Db } from '../db/client.js';
import type { Tx } from '../db/client.js';
import type { CancelReason } from './cancel-reasons.js';
import type { AcceptedLine } from './cancelled-target.js';
import {
  cancellationStatesLeadingTo,
  HOLDING_STATES,
  type CancellationRow,
  type CancellationRowUpdate,
  type CancellationState,
} from './cancellations.table.js';
import { rejectFeedEntities, releaseFeedEntities } from '../feeds/feed-entities.js';

export interface CancellationItem {
  orderItemRowId: number;
  orderItemId: string;
  sku: string | null;
  quantity: number;
  /** Units of the item already cancelled when the line was requested (null: recorded before this was kept). */
  cancelledBefore: number | null;
}

export interface Cancellation {
  id: number;
  companyId: number;
  orderId: number;
  amazonOrderId: string;
  marketplaceId: string;
  reason: CancelReason;
  wholeOrder: boolean;
  buyerRequested: boolean;
  forced: boolean;
  zeroInventory: boolean;
  state: CancellationState;
  feedId: number | null;
  attempts: number;
  retryAfter: Date | null;
  lastError: string | null;
  resultCode: string | null;
  resultMessage: string | null;
  requestedAt: Date;
  finishedAt: Date | null;
  items: CancellationItem[];
}

function toCancellation(row: CancellationRow, items: CancellationItem[]): Cancellation {
  return {
    id: Number(row.id),
    companyId: Number(row.company_id),
    orderId: Number(row.order_id),
    amazonOrderId: row.amazon_order_id,
    marketplaceId: row.marketplace_id,
    reason: row.reason,
    wholeOrder: row.whole_order,
    buyerRequested: row.buyer_requested,
    forced: row.forced,
    zeroInventory: row.zero_inventory,
    state: row.state,
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

export type NewCancellation = Pick<
  Cancellation,
  | 'companyId'
  | 'orderId'
  | 'amazonOrderId'
  | 'marketplaceId'
  | 'reason'
  | 'wholeOrder'
  | 'buyerRequested'
  | 'forced'
  | 'zeroInventory'
  | 'items'
  | 'requestedAt'
>;

export async function insertCancellation(tx: Tx, cancellation: NewCancellation): Promise<Cancellation> {
  const row = await tx
    .insertInto('cancellations')
    .values({
      company_id: cancellation.companyId,
      order_id: cancellation.orderId,
      amazon_order_id: cancellation.amazonOrderId,
      marketplace_id: cancellation.marketplaceId,
      reason: cancellation.reason,
      whole_order: cancellation.wholeOrder,
      buyer_requested: cancellation.buyerRequested,
      forced: cancellation.forced,
      zero_inventory: cancellation.zeroInventory,
      requested_at: cancellation.requestedAt,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  await tx
    .insertInto('cancellation_items')
    .values(
      cancellation.items.map((item) => ({
        cancellation_id: row.id,
        order_item_row_id: item.orderItemRowId,
        order_item_id: item.orderItemId,
        sku: item.sku,
        quantity: item.quantity,
        cancelled_before: item.cancelledBefore,
      })),
    )
    .execute();
  return toCancellation(row, cancellation.items);
}

async function withItems(db: Db | Tx, rows: CancellationRow[]): Promise<Cancellation[]> {
  if (rows.length === 0) return [];
  const items = await db
    .selectFrom('cancellation_items')
    .selectAll()
    .where('cancellation_id', '=', sql<number>`ANY(${rows.map((r) => r.id)}::bigint[])`)
    .orderBy('order_item_row_id')
    .execute();
  const byCancellation = new Map<number, CancellationItem[]>();
  for (const item of items) {
    const id = Number(item.cancellation_id);
    byCancellation.set(id, [
      ...(byCancellation.get(id) ?? []),
      {
        orderItemRowId: Number(item.order_item_row_id),
        orderItemId: item.order_item_id,
        sku: item.sku,
        quantity: item.quantity,
        cancelledBefore: item.cancelled_before,
      },
    ]);
  }
  return rows.map((row) => toCancellation(row, byCancellation.get(Number(row.id)) ?? []));
}

export interface CancellationFilter {
  ids?: number[];
  states?: readonly CancellationState[];
  orderId?: number;
  limit?: number;
}

export async function listCancellations(
  db: Db | Tx,
  companyId: number,
  filter: CancellationFilter = {},
): Promise<Cancellation[]> {
  let query = db.selectFrom('cancellations').selectAll().where('company_id', '=', companyId);
  if (filter.ids) query = query.where('id', '=', sql<number>`ANY(${filter.ids}::bigint[])`);
  if (filter.states) query = query.where('state', 'in', [...filter.states]);
  if (filter.orderId !== undefined) query = query.where('order_id', '=', filter.orderId);
  const rows = await query
    .orderBy('id')
    .limit(filter.limit ?? 100_000)
    .execute();
  return withItems(db, rows);
}

/** One cancellation, row-locked; the caller has locked its order row first. */
export async function lockCancellation(tx: Tx, companyId: number, id: number): Promise<Cancellation | null> {
  const rows = await tx
    .selectFrom('cancellations')
    .selectAll()
    .where('company_id', '=', companyId)
    .where('id', '=', id)
    .forUpdate()
    .execute();
  return (await withItems(tx, rows))[0] ?? null;
}

/** Every accepted cancellation line of these order items, with when it was requested and accepted. */
export async function acceptedLinesOf(tx: Tx, orderItemRowIds: number[]): Promise<AcceptedLine[]> {
  if (orderItemRowIds.length === 0) return [];
  const rows = await tx
    .selectFrom('cancellation_items')
    .innerJoin('cancellations', 'cancellations.id', 'cancellation_items.cancellation_id')
    .select([
      'cancellations.id',
      'cancellations.requested_at',
      'cancellations.finished_at',
      'cancellation_items.order_item_row_id',
      'cancellation_items.quantity',
      'cancellation_items.cancelled_before',
    ])
    .where('cancellation_items.order_item_row_id', '=', sql<number>`ANY(${orderItemRowIds}::bigint[])`)
    .where('cancellations.state', '=', 'accepted')
    .execute();
  return rows.map((row) => ({
    cancellationId: Number(row.id),
    orderItemRowId: Number(row.order_item_row_id),
    quantity: row.quantity,
    cancelledBefore: row.cancelled_before,
    requestedAt: row.requested_at,
    acceptedAt: row.finished_at,
  }));
}

/** Units per order item held by cancellations not yet accepted or released. */
export async function heldQuantities(db: Db | Tx, orderIds: number[]): Promise<Map<number, number>> {
  if (orderIds.length === 0) return new Map();
  const rows = await db
    .selectFrom('cancellation_items')
    .innerJoin('cancellations', 'cancellations.id', 'cancellation_items.cancellation_id')
    .select([
      'cancellation_items.order_item_row_id',
      (eb) => eb.fn.sum<string>('cancellation_items.quantity').as('quantity'),
    ])
    .where('cancellations.order_id', '=', sql<number>`ANY(${orderIds}::bigint[])`)
    .where('cancellations.state', 'in', [...HOLDING_STATES])
    .groupBy('cancellation_items.order_item_row_id')
    .execute();
  return new Map(rows.map((row) => [Number(row.order_item_row_id), Number(row.quantity)]));
}

/** Cancellations waiting for a feed whose backoff, if any, has passed, row-locked (SKIP LOCKED). */
export async function lockDueCancellations(tx: Tx, companyId: number, now: Date): Promise<Cancellation[]> {
  const rows = await tx
    .selectFrom('cancellations')
    .selectAll()
    .where('company_id', '=', companyId)
    .where('state', '=', 'requested')
    .where((eb) => eb.or([eb('retry_after', 'is', null), eb('retry_after', '<=', now)]))
    .orderBy('id')
    .forUpdate()
    .skipLocked()
    .execute();
  return withItems(tx, rows);
}

type CancellationChanges = Omit<CancellationRowUpdate, 'id' | 'company_id' | 'state'>;

/**
 * Moves cancellations to `to` from the states the transition table allows; returns the ids moved. A
 * move to a final state finishes them at `now` (our clock, which the cancel rate's points compare with).
 */
export async function moveCancellations(
  db: Db | Tx,
  ids: number[],
  to: CancellationState,
  now: Date,
  changes: CancellationChanges = {},
  onlyFrom?: readonly CancellationState[],
): Promise<number[]> {
  if (ids.length === 0) return [];
  const finished = to === 'accepted' || to === 'rejected' || to === 'released';
  const rows = await db
    .updateTable('cancellations')
    .set({
      ...changes,
      state: to,
      updated_at: new Date(),
      finished_at: finished ? now : null,
    })
    .where('id', '=', sql<number>`ANY(${ids}::bigint[])`)
    .where('state', 'in', [...(onlyFrom ?? cancellationStatesLeadingTo(to))])
    .returning('id')
    .execute();
  return rows.map((row) => Number(row.id));
}

/** Marks cancellations Amazon (or our own schema check) rejected, each with its code and message. */
export function rejectCancellations(
  tx: Tx,
  rejected: { id: number; code: string; message: string }[],
  from: readonly CancellationState[],
  now: Date,
): Promise<number> {
  return rejectFeedEntities(tx, 'cancellations', rejected, from, now);
}

/** Sends cancellations of a feed that ended without a verdict back to wait, with a growing backoff. */
export function releaseCancellationsOfFeed(
  tx: Tx,
  feedId: number,
  ids: number[],
  reason: string,
  now: Date,
): Promise<number> {
  return releaseFeedEntities(tx, 'cancellations', feedId, ids, reason, now);
}

/**
 * The orders with counting cancellations requested in [since, until), as they stood at `until`: not
 * rejected or released, or rejected or released only after `until` (until then they counted, waiting for
 * Amazon's verdict). `requested_at` and `finished_at` are on our clock, as `since` and `until` are.
 */
export async function ordersWithCountingCancellations(
  db: Db | Tx,
  companyId: number,
  since: Date,
  until: Date,
): Promise<number[]> {
  const rows = await db
    .selectFrom('cancellations')
    .select('order_id')
    .distinct()
    .where('company_id', '=', companyId)
    .where('requested_at', '>=', since)
    .where('requested_at', '<', until)
    .where((eb) =>
      eb.or([
        eb('state', 'in', ['requested', 'in_feed', 'accepted']),
        eb.and([eb('state', 'in', ['rejected', 'released']), eb('finished_at', '>=', until)]),
      ]),
    )
    .where((eb) => eb.or([eb('reason', '<>', 'BuyerCanceled'), eb('buyer_requested', '=', false)]))
    .execute();
  return rows.map((row) => Number(row.order_id));
}
