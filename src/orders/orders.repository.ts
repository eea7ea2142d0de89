import { sql } from 'kysely';
import type { Db, Tx } from '../db/client.js';
import type { Database } from '../db/database.js';
import { unnestRows, type ColumnType } from './bulk-rows.js';
import { STATUS_PROGRESSION } from './order-draft.js';
import type { NewOrderItemRow, NewOrderRow, OrderEventKind, OrderStatus } from './orders.table.js';

/** Item ids given to flat-file report lines, which carry no order item id; replaced once the real items arrive. */
export const REPORT_ITEM_PREFIX = 'report:';

export interface ExistingOrder {
  id: number;
  status: OrderStatus;
  lastUpdatedAt: Date;
  cancelRequestedAt: Date | null;
  buyerDataErased: boolean;
  hasItems: boolean;
}

/** Locks the company's stored copies of these orders for the rest of the transaction. */
export async function lockExistingOrders(
  tx: Tx,
  companyId: number,
  amazonOrderIds: string[],
): Promise<Map<string, ExistingOrder>> {
  if (amazonOrderIds.length === 0) return new Map();
  const rows = await tx
    .selectFrom('orders')
    .select((eb) => [
      'id',
      'amazon_order_id',
      'status',
      'last_updated_at',
      'cancel_requested_at',
      'buyer_data_erased_at',
      eb
        .exists(
          eb
            .selectFrom('order_items')
            .select('order_items.id')
            .whereRef('order_items.order_id', '=', 'orders.id'),
        )
        .as('has_items'),
    ])
    .where('company_id', '=', companyId)
    .where('amazon_order_id', '=', sql<string>`ANY(${amazonOrderIds}::text[])`)
    .forUpdate()
    .execute();
  return new Map(
    rows.map((row) => [
      row.amazon_order_id,
      {
        id: row.id,
        status: row.status,
        lastUpdatedAt: row.last_updated_at,
        cancelRequestedAt: row.cancel_requested_at,
        buyerDataErased: row.buyer_data_erased_at !== null,
        hasItems: Boolean(row.has_items),
      },
    ]),
  );
}

type OrderColumn = keyof Database['orders'];

/** Every column an order row is written with, and its type for the bulk upsert. */
const ORDER_COLUMNS: { [K in keyof NewOrderRow]?: ColumnType } = {
  company_id: 'bigint',
  amazon_order_id: 'text',
  marketplace_id: 'text',
  sales_channel: 'text',
  is_checkout_by_amazon: 'boolean',
  purchase_date: 'timestamptz',
  last_updated_at: 'timestamptz',
  status: 'text',
  fulfillment_channel: 'text',
  service_level: 'text',
  earliest_ship_date: 'timestamptz',
  latest_ship_date: 'timestamptz',
  earliest_delivery_date: 'timestamptz',
  latest_delivery_date: 'timestamptz',
  order_total: 'numeric',
  currency: 'text',
  payment_status: 'text',
  subtypes: 'text[]',
  replaced_order_id: 'text',
  note: 'text',
  on_hold: 'boolean',
  hold_reason: 'text',
  cancel_requested_at: 'timestamptz',
  cancel_request_reason: 'text',
  cancel_respond_by: 'timestamptz',
  cancelled_by: 'text',
  cancel_reason: 'text',
  buyer_enc: 'text',
  recipient_enc: 'text',
  shipped_at: 'timestamptz',
  delivered_at: 'timestamptz',
  first_seen_run_id: 'bigint',
  first_seen_source: 'text',
};

const ITEM_COLUMNS: { [K in keyof NewOrderItemRow]?: ColumnType } = {
  order_id: 'bigint',
  order_item_id: 'text',
  sku: 'text',
  asin: 'text',
  title: 'text',
  quantity_ordered: 'integer',
  quantity_shipped: 'integer',
  quantity_cancelled: 'integer',
  currency: 'text',
  unit_price: 'numeric',
  item_price: 'numeric',
  item_tax: 'numeric',
  shipping_price: 'numeric',
  shipping_tax: 'numeric',
  promotion_discount: 'numeric',
  promotion_ids: 'text[]',
  customized_url_enc: 'text',
  customization_raw_enc: 'text',
  customization_summary: 'text',
  cancel_requested: 'boolean',
};

const excluded = (column: OrderColumn) => sql<never>`${sql.ref(`excluded.${column}`)}`;
const keepStored = (column: OrderColumn) =>
  sql<never>`COALESCE(${sql.ref(`orders.${column}`)}, ${excluded(column)})`;
const preferNew = (column: OrderColumn) =>
  sql<never>`COALESCE(${excluded(column)}, ${sql.ref(`orders.${column}`)})`;

/** Columns a newer copy of the order decides, whichever source it came from. */
const SHARED_UPDATES = {
  // Amazon's times have whole seconds: of two copies with the same time the further status wins, and a
  // copy seen again does not undo what we learned since (a shipment we confirmed).
  status: sql<never>`CASE WHEN orders.last_updated_at = excluded.last_updated_at
    AND array_position(${sql.val(STATUS_PROGRESSION)}::text[], orders.status)
      > array_position(${sql.val(STATUS_PROGRESSION)}::text[], excluded.status)
    THEN orders.status ELSE excluded.status END`,
  last_updated_at: excluded('last_updated_at'),
  sales_channel: excluded('sales_channel'),
  fulfillment_channel: excluded('fulfillment_channel'),
  // Once Amazon has verified the payment it stays verified, even when the order is cancelled later.
  payment_status: sql<never>`CASE WHEN orders.payment_status = 'complete' THEN 'complete' ELSE excluded.payment_status END`,
  order_total: preferNew('order_total'),
  currency: preferNew('currency'),
  cancel_requested_at: keepStored('cancel_requested_at'),
  cancel_request_reason: keepStored('cancel_request_reason'),
  cancel_respond_by: keepStored('cancel_respond_by'),
  on_hold: sql<never>`orders.on_hold OR excluded.on_hold`,
  hold_reason: keepStored('hold_reason'),
  cancelled_by: preferNew('cancelled_by'),
  cancel_reason: preferNew('cancel_reason'),
  delivered_at: preferNew('delivered_at'),
  updated_at: sql<never>`now()`,
};

const personal = (column: 'buyer_enc' | 'recipient_enc') =>
  sql<never>`CASE WHEN orders.buyer_data_erased_at IS NOT NULL THEN NULL ELSE ${preferNew(column)} END`;

/** Columns only a complete copy (searchOrders, getOrder) carries; a report line leaves them as stored. */
const COMPLETE_UPDATES = {
  marketplace_id: preferNew('marketplace_id'),
  service_level: excluded('service_level'),
  earliest_ship_date: excluded('earliest_ship_date'),
  latest_ship_date: excluded('latest_ship_date'),
  earliest_delivery_date: excluded('earliest_delivery_date'),
  latest_delivery_date: excluded('latest_delivery_date'),
  subtypes: excluded('subtypes'),
  replaced_order_id: excluded('replaced_order_id'),
  note: preferNew('note'),
  buyer_enc: personal('buyer_enc'),
  recipient_enc: personal('recipient_enc'),
  shipped_at: preferNew('shipped_at'),
};

/**
 * Inserts or updates orders in one statement. A stored copy with a later `last_updated_at` is never
 * overwritten, nor by a report line one with the same. Returns the ids of the rows written.
 */
export async function upsertOrderRows(
  tx: Tx,
  rows: NewOrderRow[],
  complete: boolean,
): Promise<{ id: number; amazon_order_id: string }[]> {
  if (rows.length === 0) return [];
  return tx
    .insertInto('orders')
    .columns(Object.keys(ORDER_COLUMNS) as (keyof NewOrderRow)[])
    .expression(unnestRows(rows, ORDER_COLUMNS))
    .onConflict((oc) =>
      oc
        .columns(['company_id', 'amazon_order_id'])
        .doUpdateSet(complete ? { ...SHARED_UPDATES, ...COMPLETE_UPDATES } : SHARED_UPDATES)
        .where('orders.last_updated_at', complete ? '<=' : '<', (eb) => eb.ref('excluded.last_updated_at')),
    )
    .returning(['id', 'amazon_order_id'])
    .execute();
}

export async function upsertItemRows(tx: Tx, rows: NewOrderItemRow[]): Promise<void> {
  if (rows.length === 0) return;
  await tx
    .insertInto('order_items')
    .columns(Object.keys(ITEM_COLUMNS) as (keyof NewOrderItemRow)[])
    .expression(unnestRows(rows, ITEM_COLUMNS))
    .onConflict((oc) =>
      oc.columns(['order_id', 'order_item_id']).doUpdateSet((eb) => ({
        sku: eb.ref('excluded.sku'),
        asin: eb.ref('excluded.asin'),
        title: eb.ref('excluded.title'),
        quantity_ordered: eb.ref('excluded.quantity_ordered'),
        quantity_shipped: sql<never>`GREATEST(order_items.quantity_shipped, excluded.quantity_shipped)`,
        quantity_cancelled: eb.ref('excluded.quantity_cancelled'),
        currency: eb.ref('excluded.currency'),
        unit_price: eb.ref('excluded.unit_price'),
        item_price: eb.ref('excluded.item_price'),
        item_tax: eb.ref('excluded.item_tax'),
        shipping_price: eb.ref('excluded.shipping_price'),
        shipping_tax: eb.ref('excluded.shipping_tax'),
        promotion_discount: eb.ref('excluded.promotion_discount'),
        promotion_ids: eb.ref('excluded.promotion_ids'),
        customized_url_enc: sql<never>`COALESCE(excluded.customized_url_enc, order_items.customized_url_enc)`,
        customization_raw_enc: sql<never>`COALESCE(excluded.customization_raw_enc, order_items.customization_raw_enc)`,
        customization_summary: sql<never>`COALESCE(excluded.customization_summary, order_items.customization_summary)`,
        cancel_requested: eb.ref('excluded.cancel_requested'),
        updated_at: sql<never>`now()`,
      })),
    )
    .execute();
}

/** Drops the placeholder lines a report wrote, once the order's real items are being stored. */
export async function deleteReportItems(tx: Tx, orderIds: number[]): Promise<void> {
  if (orderIds.length === 0) return;
  await tx
    .deleteFrom('order_items')
    .where('order_id', '=', sql<number>`ANY(${orderIds}::bigint[])`)
    .where('order_item_id', 'like', `${REPORT_ITEM_PREFIX}%`)
    .execute();
}

/** Order item ids (per order) whose customization is already stored: not downloaded again. */
export async function findCustomizedItems(db: Tx | Db, companyId: number, amazonOrderIds: string[]) {
  if (amazonOrderIds.length === 0) return new Set<string>();
  const rows = await db
    .selectFrom('order_items')
    .innerJoin('orders', 'orders.id', 'order_items.order_id')
    .select(['orders.amazon_order_id', 'order_items.order_item_id'])
    .where('orders.company_id', '=', companyId)
    .where('orders.amazon_order_id', '=', sql<string>`ANY(${amazonOrderIds}::text[])`)
    .where('order_items.customization_summary', 'is not', null)
    .execute();
  return new Set(rows.map((row) => `${row.amazon_order_id}/${row.order_item_id}`));
}

export interface NewOrderEvent {
  orderId: number;
  kind: OrderEventKind;
  fromStatus: OrderStatus | null;
  toStatus: OrderStatus | null;
  detail: Record<string, unknown>;
  runId: number | null;
  source: string | null;
}

export async function insertOrderEvents(tx: Tx, events: NewOrderEvent[]): Promise<void> {
  if (events.length === 0) return;
  const rows = events.map((event) => ({
    order_id: event.orderId,
    kind: event.kind,
    from_status: event.fromStatus,
    to_status: event.toStatus,
    detail: JSON.stringify(event.detail),
    run_id: event.runId,
    source: event.source,
  }));
  await tx
    .insertInto('order_events')
    .columns(['order_id', 'kind', 'from_status', 'to_status', 'detail', 'run_id', 'source'])
    .expression(
      sql<never>`SELECT order_id, kind, from_status, to_status, detail::jsonb, run_id, source FROM (${unnestRows(
        rows,
        {
          order_id: 'bigint',
          kind: 'text',
          from_status: 'text',
          to_status: 'text',
          detail: 'text',
          run_id: 'bigint',
          source: 'text',
        },
      )}) AS events`,
    )
    .execute();
}
