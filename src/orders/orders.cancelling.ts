import { sql } from 'kysely';
import type { Db, Tx } from '../db/client.js';
import { unnestRows } from './bulk-rows.js';
import { insertOrderEvents } from './orders.repository.js';
import type { OrderStatus } from './orders.table.js';

/**
 * What seller cancellations need of orders: the 7-day order counts behind the cancel rate, and the one
 * change they make to orders: the cancelled quantities and status once Amazon accepts a cancellation.
 */

/** Seller-fulfilled orders the company received in [since, until): the cancel rate's denominator. */
export async function countSellerFulfilledOrders(
  db: Db | Tx,
  companyId: number,
  since: Date,
  until: Date,
): Promise<number> {
  const row = await db
    .selectFrom('orders')
    .select((eb) => eb.fn.countAll<string>().as('count'))
    .where('company_id', '=', companyId)
    .where('fulfillment_channel', '=', 'MFN')
    .where('purchase_date', '>=', since)
    .where('purchase_date', '<', until)
    .executeTakeFirstOrThrow();
  return Number(row.count);
}

/** Which of these orders were received in [since, until). */
export async function ordersPurchasedBetween(
  db: Db | Tx,
  orderIds: number[],
  since: Date,
  until: Date,
): Promise<Set<number>> {
  if (orderIds.length === 0) return new Set();
  const rows = await db
    .selectFrom('orders')
    .select('id')
    .where('id', '=', sql<number>`ANY(${orderIds}::bigint[])`)
    .where('purchase_date', '>=', since)
    .where('purchase_date', '<', until)
    .execute();
  return new Set(rows.map((row) => Number(row.id)));
}

/**
 * What Amazon accepted as cancelled of one order item: its cancelled quantity becomes at least
 * `atLeast` (a count an order download may already have reached), plus `added` units counted on top.
 */
export interface CancelledQuantity {
  orderItemRowId: number;
  atLeast: number;
  added: number;
}

/**
 * Raises the items' cancelled quantities to what Amazon accepted (never past what was not shipped),
 * and moves each order whose units are all cancelled to Canceled, or all shipped-or-cancelled to
 * Shipped, with an event. Runs in the feed's closing transaction. Returns the orders moved.
 */
export async function applyAcceptedCancellations(
  tx: Tx,
  cancelled: CancelledQuantity[],
  source: string,
  detail: Record<string, unknown> = {},
): Promise<number> {
  if (cancelled.length === 0) return 0;
  const batch = unnestRows(
    cancelled.map((c) => ({ row_id: c.orderItemRowId, at_least: c.atLeast, added: c.added })),
    { row_id: 'bigint', at_least: 'integer', added: 'integer' },
  );
  const touched = await sql<{ order_id: number }>`
    UPDATE order_items AS oi
    SET quantity_cancelled = LEAST(oi.quantity_ordered - oi.quantity_shipped,
                                   GREATEST(oi.quantity_cancelled + c.added, c.at_least)),
        updated_at = now()
    FROM (SELECT row_id, max(at_least)::int AS at_least, sum(added)::int AS added
          FROM (${batch}) AS cancelled GROUP BY row_id) AS c
    WHERE oi.id = c.row_id
    RETURNING oi.order_id
  `.execute(tx);
  const orderIds = [...new Set(touched.rows.map((row) => Number(row.order_id)))];
  const moved = await sql<{ id: number; from_status: OrderStatus; to_status: OrderStatus }>`
    WITH target AS (
      SELECT o.id, o.status AS from_status,
             CASE WHEN bool_and(oi.quantity_cancelled >= oi.quantity_ordered) THEN 'Canceled'
                  WHEN bool_and(oi.quantity_shipped + oi.quantity_cancelled >= oi.quantity_ordered) THEN 'Shipped'
                  ELSE o.status END AS to_status
      FROM orders o JOIN order_items oi ON oi.order_id = o.id
      WHERE o.id = ANY(${orderIds}::bigint[]) AND o.status IN ('Unshipped', 'PartiallyShipped')
      GROUP BY o.id, o.status
    )
    UPDATE orders AS o
    SET status = target.to_status, updated_at = now(),
        cancelled_by = CASE WHEN target.to_status = 'Canceled' THEN 'MERCHANT' ELSE o.cancelled_by END
    FROM target WHERE o.id = target.id AND target.to_status <> target.from_status
    RETURNING o.id, target.from_status, target.to_status
  `.execute(tx);
  await insertOrderEvents(
    tx,
    moved.rows.map((row) => ({
      orderId: Number(row.id),
      kind: row.to_status === 'Canceled' ? 'cancelled' : 'status_changed',
      fromStatus: row.from_status,
      toStatus: row.to_status,
      detail: { cancelledBy: 'MERCHANT', ...detail },
      runId: null,
      source,
    })),
  );
  return moved.rows.length;
}

export interface OpenCancelRequest {
  orderId: number;
  amazonOrderId: string;
  status: OrderStatus;
  buyerReason: string | null;
  requestedAt: Date;
  respondBy: Date | null;
}

/** Buyer cancellation requests still waiting for the seller's answer, the soonest deadline first. */
export async function listOpenCancelRequests(db: Db, companyId: number): Promise<OpenCancelRequest[]> {
  const rows = await db
    .selectFrom('orders')
    .select([
      'id',
      'amazon_order_id',
      'status',
      'cancel_request_reason',
      'cancel_requested_at',
      'cancel_respond_by',
    ])
    .where('company_id', '=', companyId)
    .where('cancel_request_state', '=', 'requested')
    .where('status', 'in', ['Pending', 'Unshipped', 'PartiallyShipped'])
    .orderBy('cancel_respond_by', 'asc')
    .orderBy('id', 'asc')
    .execute();
  return rows.map((row) => ({
    orderId: Number(row.id),
    amazonOrderId: row.amazon_order_id,
    status: row.status,
    buyerReason: row.cancel_request_reason,
    requestedAt: row.cancel_requested_at!,
    respondBy: row.cancel_respond_by,
  }));
}
