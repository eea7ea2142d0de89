import { sql } from 'kysely';
import type { Db } from '../db/client.js';
import type { Tx } from '../feeds/feeds.repository.js';
import type { FulfillmentChannel, OrderStatus } from '../orders/orders.table.js';

/**
 * What fulfillment reads of orders, and the one change it makes to them: the shipped quantities and
 * status once Amazon accepts a shipment. The order download keeps everything else.
 */

export interface ShippableItem {
  rowId: number;
  orderItemId: string;
  sku: string | null;
  quantityOrdered: number;
  quantityShipped: number;
  quantityCancelled: number;
  cancelRequested: boolean;
}

export interface ShippableOrder {
  id: number;
  amazonOrderId: string;
  marketplaceId: string | null;
  status: OrderStatus;
  fulfillmentChannel: FulfillmentChannel;
  purchaseDate: Date;
  cancelRequestedAt: Date | null;
  items: ShippableItem[];
}

/** The order with its items, row-locked for the caller's transaction so two shipments cannot overbook it. */
export async function lockOrderForShipping(
  tx: Tx,
  companyId: number,
  amazonOrderId: string,
): Promise<ShippableOrder | null> {
  const order = await tx
    .selectFrom('orders')
    .select([
      'id',
      'amazon_order_id',
      'marketplace_id',
      'status',
      'fulfillment_channel',
      'purchase_date',
      'cancel_requested_at',
    ])
    .where('company_id', '=', companyId)
    .where('amazon_order_id', '=', amazonOrderId)
    .forUpdate()
    .executeTakeFirst();
  if (!order) return null;
  const items = await tx
    .selectFrom('order_items')
    .select([
      'id',
      'order_item_id',
      'sku',
      'quantity_ordered',
      'quantity_shipped',
      'quantity_cancelled',
      'cancel_requested',
    ])
    .where('order_id', '=', order.id)
    .orderBy('id')
    .execute();
  return {
    id: order.id,
    amazonOrderId: order.amazon_order_id,
    marketplaceId: order.marketplace_id,
    status: order.status,
    fulfillmentChannel: order.fulfillment_channel,
    purchaseDate: order.purchase_date,
    cancelRequestedAt: order.cancel_requested_at,
    items: items.map((item) => ({
      rowId: item.id,
      orderItemId: item.order_item_id,
      sku: item.sku,
      quantityOrdered: item.quantity_ordered,
      quantityShipped: item.quantity_shipped,
      quantityCancelled: item.quantity_cancelled,
      cancelRequested: item.cancel_requested,
    })),
  };
}

export interface LocalOrderState {
  id: number;
  amazonOrderId: string;
  status: OrderStatus;
  cancelRequested: boolean;
  refreshedAt: Date;
}

/** The stored status of these orders and when our copy was last written. */
export async function localOrderStates(
  db: Db | Tx,
  orderIds: number[],
): Promise<Map<number, LocalOrderState>> {
  if (orderIds.length === 0) return new Map();
  const rows = await db
    .selectFrom('orders')
    .select((eb) => [
      'id',
      'amazon_order_id',
      'status',
      'cancel_requested_at',
      'updated_at',
      eb
        .exists(
          eb
            .selectFrom('order_items')
            .select('order_items.id')
            .whereRef('order_items.order_id', '=', 'orders.id')
            .where('order_items.cancel_requested', '=', true),
        )
        .as('item_cancel_requested'),
    ])
    .where('id', '=', sql<number>`ANY(${orderIds}::bigint[])`)
    .execute();
  return new Map(
    rows.map((row) => [
      row.id,
      {
        id: row.id,
        amazonOrderId: row.amazon_order_id,
        status: row.status,
        cancelRequested: row.cancel_requested_at !== null || Boolean(row.item_cancel_requested),
        refreshedAt: row.updated_at,
      },
    ]),
  );
}

/** When the company's last successful order download started: local statuses are current as of then. */
export async function lastOrderDownloadStart(db: Db, companyId: number): Promise<Date | null> {
  const row = await db
    .selectFrom('job_runs')
    .select((eb) => eb.fn.max('started_at').as('started_at'))
    .where('company_id', '=', companyId)
    .where('kind', '=', 'order-download')
    .where('status', '=', 'succeeded')
    .executeTakeFirst();
  return row?.started_at ?? null;
}

/**
 * Adds the quantities of shipments Amazon accepted to their order items, and moves each order to
 * PartiallyShipped or Shipped, with a `shipment_confirmed` event. Runs in the feed's closing transaction.
 */
export async function applyConfirmedShipments(
  tx: Tx,
  shipmentIds: number[],
  source: string,
): Promise<number> {
  if (shipmentIds.length === 0) return 0;
  await sql`
    UPDATE order_items AS oi
    SET quantity_shipped = LEAST(oi.quantity_ordered, oi.quantity_shipped + s.quantity), updated_at = now()
    FROM (SELECT order_item_row_id, sum(quantity)::int AS quantity FROM shipment_items
          WHERE shipment_id = ANY(${shipmentIds}::bigint[]) GROUP BY order_item_row_id) AS s
    WHERE oi.id = s.order_item_row_id
  `.execute(tx);
  // One statement moves the orders and writes their timeline events: 10,000 orders in one round trip.
  const changed = await sql<{ id: number }>`
    WITH touched AS (SELECT DISTINCT order_id FROM shipments WHERE id = ANY(${shipmentIds}::bigint[])),
    target AS (
      SELECT o.id, o.status AS from_status,
             CASE WHEN bool_and(oi.quantity_shipped + oi.quantity_cancelled >= oi.quantity_ordered)
                  THEN 'Shipped' ELSE 'PartiallyShipped' END AS to_status
      FROM orders o JOIN touched t ON t.order_id = o.id JOIN order_items oi ON oi.order_id = o.id
      WHERE o.status IN ('Unshipped', 'PartiallyShipped')
      GROUP BY o.id, o.status
    ),
    moved AS (
      UPDATE orders AS o
      SET status = target.to_status, shipped_at = COALESCE(o.shipped_at, now()), updated_at = now()
      FROM target WHERE o.id = target.id
      RETURNING o.id, target.from_status, target.to_status
    )
    INSERT INTO order_events (order_id, kind, from_status, to_status, detail, source)
    SELECT id, 'shipment_confirmed', from_status, to_status, '{}'::jsonb, ${source} FROM moved
    RETURNING order_id AS id
  `.execute(tx);
  return changed.rows.length;
}
