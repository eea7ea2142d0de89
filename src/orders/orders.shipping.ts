import { sql } from 'kysely';
import type { Db, Tx } from '../db/client.js';
import { unnestRows } from './bulk-rows.js';
import { insertOrderEvents } from './orders.repository.js';
import type { FulfillmentChannel, OrderStatus } from './orders.table.js';

/**
 * What shipping needs of an order, and the one change it makes to orders: the shipped quantities and
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
  /** Amazon's SELLER_ORDER_ID alias: what a feed may send as MerchantOrderID instead of AmazonOrderID. */
  sellerOrderId: string | null;
  marketplaceId: string | null;
  status: OrderStatus;
  fulfillmentChannel: FulfillmentChannel;
  purchaseDate: Date;
  cancelRequestedAt: Date | null;
  items: ShippableItem[];
}

async function lockedOrderItems(tx: Tx, orderId: number, onHold: boolean): Promise<ShippableItem[]> {
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
    .where('order_id', '=', orderId)
    .orderBy('id')
    .execute();
  return items.map((item) => ({
    rowId: item.id,
    orderItemId: item.order_item_id,
    sku: item.sku,
    quantityOrdered: item.quantity_ordered,
    quantityShipped: item.quantity_shipped,
    quantityCancelled: item.quantity_cancelled,
    // A request the seller declined (or that expired) no longer holds the item back.
    cancelRequested: item.cancel_requested && onHold,
  }));
}

/** The seller's own order ids (Amazon's SELLER_ORDER_ID alias) of those of these orders that have one, by order row id. */
export async function sellerOrderIdsOf(
  db: Db | Tx,
  orderIds: readonly number[],
): Promise<Map<number, string>> {
  if (orderIds.length === 0) return new Map();
  const rows = await db
    .selectFrom('orders')
    .select(['id', 'seller_order_id'])
    .where('id', '=', sql<number>`ANY(${[...orderIds]}::bigint[])`)
    .where('seller_order_id', 'is not', null)
    .execute();
  return new Map(rows.map((row) => [Number(row.id), row.seller_order_id ?? '']));
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
      'seller_order_id',
      'marketplace_id',
      'status',
      'fulfillment_channel',
      'purchase_date',
      'cancel_requested_at',
      'on_hold',
    ])
    .where('company_id', '=', companyId)
    .where('amazon_order_id', '=', amazonOrderId)
    .forUpdate()
    .executeTakeFirst();
  if (!order) return null;
  return {
    id: order.id,
    amazonOrderId: order.amazon_order_id,
    sellerOrderId: order.seller_order_id,
    marketplaceId: order.marketplace_id,
    status: order.status,
    fulfillmentChannel: order.fulfillment_channel,
    purchaseDate: order.purchase_date,
    cancelRequestedAt: order.on_hold ? order.cancel_requested_at : null,
    items: await lockedOrderItems(tx, order.id, order.on_hold),
  };
}

/**
 * Row-locks these orders, in id order, for a transaction that is about to lock their shipments or
 * cancellations: every writer takes the order row first, so none waits for another in a circle.
 */
export async function lockOrdersInOrder(tx: Tx, orderIds: number[]): Promise<void> {
  if (orderIds.length === 0) return;
  await tx
    .selectFrom('orders')
    .select('id')
    .where('id', '=', sql<number>`ANY(${orderIds}::bigint[])`)
    .orderBy('id')
    .forUpdate()
    .execute();
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
    .select(['id', 'amazon_order_id', 'status', 'on_hold', 'updated_at'])
    .where('id', '=', sql<number>`ANY(${orderIds}::bigint[])`)
    .execute();
  return new Map(
    rows.map((row) => [
      row.id,
      {
        id: row.id,
        amazonOrderId: row.amazon_order_id,
        status: row.status,
        cancelRequested: row.on_hold,
        refreshedAt: row.updated_at,
      },
    ]),
  );
}

/** Units of one order item that Amazon accepted as shipped. */
export interface ShippedQuantity {
  orderItemRowId: number;
  quantity: number;
}

/** Adds the quantities to their items (never past the quantity ordered); returns the orders touched. */
async function addShippedQuantities(tx: Tx, shipped: ShippedQuantity[]): Promise<number[]> {
  const batch = unnestRows(
    shipped.map((s) => ({ row_id: s.orderItemRowId, quantity: s.quantity })),
    { row_id: 'bigint', quantity: 'integer' },
  );
  const result = await sql<{ order_id: number }>`
    UPDATE order_items AS oi
    SET quantity_shipped = LEAST(oi.quantity_ordered, oi.quantity_shipped + s.quantity), updated_at = now()
    FROM (SELECT row_id, sum(quantity)::int AS quantity FROM (${batch}) AS shipped GROUP BY row_id) AS s
    WHERE oi.id = s.row_id
    RETURNING oi.order_id
  `.execute(tx);
  return [...new Set(result.rows.map((row) => Number(row.order_id)))];
}

/**
 * Adds the quantities of shipments Amazon accepted to their order items, and moves each order to
 * PartiallyShipped or Shipped, with a `shipment_confirmed` event. Runs in the feed's closing transaction.
 * Returns the number of orders moved.
 */
export async function applyConfirmedShipments(
  tx: Tx,
  shipped: ShippedQuantity[],
  source: string,
): Promise<number> {
  if (shipped.length === 0) return 0;
  const orderIds = await addShippedQuantities(tx, shipped);
  // One statement moves every touched order: 10,000 orders in one round trip.
  const moved = await sql<{ id: number; from_status: OrderStatus; to_status: OrderStatus }>`
    WITH target AS (
      SELECT o.id, o.status AS from_status,
             CASE WHEN bool_and(oi.quantity_shipped + oi.quantity_cancelled >= oi.quantity_ordered)
                  THEN 'Shipped' ELSE 'PartiallyShipped' END AS to_status
      FROM orders o JOIN order_items oi ON oi.order_id = o.id
      WHERE o.id = ANY(${orderIds}::bigint[]) AND o.status IN ('Unshipped', 'PartiallyShipped')
      GROUP BY o.id, o.status
    )
    UPDATE orders AS o
    SET status = target.to_status, shipped_at = COALESCE(o.shipped_at, now()), updated_at = now()
    FROM target WHERE o.id = target.id
    RETURNING o.id, target.from_status, target.to_status
  `.execute(tx);
  await insertOrderEvents(
    tx,
    moved.rows.map((row) => ({
      orderId: Number(row.id),
      kind: 'shipment_confirmed',
      fromStatus: row.from_status,
      toStatus: row.to_status,
      detail: {},
      runId: null,
      source,
    })),
  );
  return moved.rows.length;
}
