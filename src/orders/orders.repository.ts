import { sql } from 'kysely';
import type { Db, Tx } from '../db/client.js';
import { unnestRows, type ColumnType } from './bulk-rows.js';
import type { NewOrderItemRow, NewOrderRow, OrderEventKind, OrderStatus } from './orders.table.js';

/** Item ids given to flat-file report lines, which carry no order item id; replaced once the real items arrive. */
export const REPORT_ITEM_PREFIX = 'report:';

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
  cancel_request_state: 'text',
  cancel_decided_at: 'timestamptz',
  cancelled_by: 'text',
  cancel_reason: 'text',
  buyer_enc: 'text',
  recipient_enc: 'text',
  shipped_at: 'timestamptz',
  delivered_at: 'timestamptz',
  complete_copy_at: 'timestamptz',
  erase_after: 'timestamptz',
  first_seen_run_id: 'bigint',
  first_seen_source: 'text',
  seller_order_id: 'text',
  programs: 'text[]',
  amazon_packages: 'jsonb',
  unknown_values: 'jsonb',
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
  gift_wrap_price: 'numeric',
  gift_wrap_tax: 'numeric',
  promotion_discount: 'numeric',
  ship_promotion_discount: 'numeric',
  promotion_ids: 'text[]',
  customized_url_enc: 'text',
  customization_raw_enc: 'text',
  customization_summary: 'text',
  cancel_requested: 'boolean',
  price_designation: 'text',
  gift_wrap_level: 'text',
  gift_message_enc: 'text',
};

/** Columns written only when the order is first stored. */
const INSERT_ONLY = new Set<string>([
  'company_id',
  'amazon_order_id',
  'first_seen_run_id',
  'first_seen_source',
]);

function excludedColumns(columns: string[]) {
  return Object.fromEntries(
    columns.map((column) => [column, sql<never>`${sql.ref(`excluded.${column}`)}`]),
  ) as Record<string, never>;
}

/**
 * Writes orders as the merge decided them (src/orders/order-merge.ts), in one statement; SQL decides
 * nothing. Returns the ids of the rows written.
 */
export async function upsertOrderRows(
  tx: Tx,
  rows: NewOrderRow[],
): Promise<{ id: number; amazon_order_id: string }[]> {
  if (rows.length === 0) return [];
  const updated = Object.keys(ORDER_COLUMNS).filter((column) => !INSERT_ONLY.has(column));
  return tx
    .insertInto('orders')
    .columns(Object.keys(ORDER_COLUMNS) as (keyof NewOrderRow)[])
    .expression(unnestRows(rows, ORDER_COLUMNS))
    .onConflict((oc) =>
      oc
        .columns(['company_id', 'amazon_order_id'])
        .doUpdateSet({ ...excludedColumns(updated), updated_at: sql<never>`now()` }),
    )
    .returning(['id', 'amazon_order_id'])
    .execute();
}

export async function upsertItemRows(tx: Tx, rows: NewOrderItemRow[]): Promise<void> {
  if (rows.length === 0) return;
  const updated = Object.keys(ITEM_COLUMNS).filter(
    (column) => column !== 'order_id' && column !== 'order_item_id',
  );
  await tx
    .insertInto('order_items')
    .columns(Object.keys(ITEM_COLUMNS) as (keyof NewOrderItemRow)[])
    .expression(unnestRows(rows, ITEM_COLUMNS))
    .onConflict((oc) =>
      oc
        .columns(['order_id', 'order_item_id'])
        .doUpdateSet({ ...excludedColumns(updated), updated_at: sql<never>`now()` }),
    )
    .execute();
}

/** Drops the items of these orders the merge no longer keeps (a report's placeholders, once real ones arrive). */
export async function deleteItemsNotKept(
  tx: Tx,
  kept: { orderId: number; orderItemIds: string[] }[],
): Promise<void> {
  if (kept.length === 0) return;
  const keys = kept.flatMap((order) => order.orderItemIds.map((id) => `${order.orderId}/${id}`));
  await tx
    .deleteFrom('order_items')
    .where('order_id', '=', sql<number>`ANY(${kept.map((order) => order.orderId)}::bigint[])`)
    .where(sql<boolean>`order_id::text || '/' || order_item_id <> ALL(${keys}::text[])`)
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
