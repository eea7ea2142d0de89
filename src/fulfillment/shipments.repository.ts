import { sql } from 'kysely';
import type { Db, Tx } from '../db/client.js';
import type { ShippedQuantity } from '../orders/orders.shipping.js';
import {
  shipmentStatesLeadingTo,
  type ShipFromAddress,
  type ShipmentRow,
  type ShipmentState,
  type ShipmentRowUpdate,
} from './shipments.table.js';

export interface ShipmentItem {
  orderItemRowId: number;
  orderItemId: string;
  quantity: number;
}

export interface Shipment {
  id: number;
  companyId: number;
  orderId: number;
  amazonOrderId: string;
  marketplaceId: string;
  carrierCode: string;
  carrierName: string | null;
  shippingMethod: string | null;
  trackingNumber: string;
  shipDate: Date;
  shipFrom: ShipFromAddress;
  state: ShipmentState;
  feedId: number | null;
  uploadAttempts: number;
  retryAfter: Date | null;
  lastError: string | null;
  resultCode: string | null;
  resultMessage: string | null;
  voidReason: string | null;
  confirmedAt: Date | null;
  createdAt: Date;
  items: ShipmentItem[];
}

function toShipment(row: ShipmentRow, items: ShipmentItem[]): Shipment {
  return {
    id: row.id,
    companyId: row.company_id,
    orderId: row.order_id,
    amazonOrderId: row.amazon_order_id,
    marketplaceId: row.marketplace_id,
    carrierCode: row.carrier_code,
    carrierName: row.carrier_name,
    shippingMethod: row.shipping_method,
    trackingNumber: row.tracking_number,
    shipDate: row.ship_date,
    shipFrom: row.ship_from,
    state: row.state,
    feedId: row.feed_id,
    uploadAttempts: row.upload_attempts,
    retryAfter: row.retry_after,
    lastError: row.last_error,
    resultCode: row.result_code,
    resultMessage: row.result_message,
    voidReason: row.void_reason,
    confirmedAt: row.confirmed_at,
    createdAt: row.created_at,
    items,
  };
}

export type NewShipment = Omit<
  Shipment,
  | 'id'
  | 'state'
  | 'feedId'
  | 'uploadAttempts'
  | 'retryAfter'
  | 'lastError'
  | 'resultCode'
  | 'resultMessage'
  | 'voidReason'
  | 'confirmedAt'
  | 'createdAt'
>;

export async function insertShipment(tx: Tx, shipment: NewShipment): Promise<Shipment> {
  const row = await tx
    .insertInto('shipments')
    .values({
      company_id: shipment.companyId,
      order_id: shipment.orderId,
      amazon_order_id: shipment.amazonOrderId,
      marketplace_id: shipment.marketplaceId,
      carrier_code: shipment.carrierCode,
      carrier_name: shipment.carrierName,
      shipping_method: shipment.shippingMethod,
      tracking_number: shipment.trackingNumber,
      ship_date: shipment.shipDate,
      ship_from: JSON.stringify(shipment.shipFrom),
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  await tx
    .insertInto('shipment_items')
    .values(
      shipment.items.map((item) => ({
        shipment_id: row.id,
        order_item_row_id: item.orderItemRowId,
        order_item_id: item.orderItemId,
        quantity: item.quantity,
      })),
    )
    .execute();
  return toShipment(row, shipment.items);
}

async function itemsOf(db: Db | Tx, shipmentIds: number[]): Promise<Map<number, ShipmentItem[]>> {
  const byShipment = new Map<number, ShipmentItem[]>();
  if (shipmentIds.length === 0) return byShipment;
  const rows = await db
    .selectFrom('shipment_items')
    .selectAll()
    .where('shipment_id', '=', sql<number>`ANY(${shipmentIds}::bigint[])`)
    .orderBy('shipment_id')
    .orderBy('order_item_row_id')
    .execute();
  for (const row of rows) {
    const list = byShipment.get(row.shipment_id) ?? [];
    list.push({
      orderItemRowId: row.order_item_row_id,
      orderItemId: row.order_item_id,
      quantity: row.quantity,
    });
    byShipment.set(row.shipment_id, list);
  }
  return byShipment;
}

async function withItems(db: Db | Tx, rows: ShipmentRow[]): Promise<Shipment[]> {
  const items = await itemsOf(
    db,
    rows.map((row) => row.id),
  );
  return rows.map((row) => toShipment(row, items.get(row.id) ?? []));
}

export interface ShipmentFilter {
  states?: readonly ShipmentState[];
  ids?: number[];
  amazonOrderIds?: string[];
  limit?: number;
}

export async function listShipments(
  db: Db | Tx,
  companyId: number,
  filter: ShipmentFilter = {},
): Promise<Shipment[]> {
  let query = db.selectFrom('shipments').selectAll().where('company_id', '=', companyId);
  if (filter.states) query = query.where('state', 'in', [...filter.states]);
  if (filter.ids) query = query.where('id', '=', sql<number>`ANY(${filter.ids}::bigint[])`);
  if (filter.amazonOrderIds)
    query = query.where('amazon_order_id', '=', sql<string>`ANY(${filter.amazonOrderIds}::text[])`);
  const rows = await query
    .orderBy('id')
    .limit(filter.limit ?? 100_000)
    .execute();
  return withItems(db, rows);
}

/** The orders of these shipments still waiting for upload. */
export async function ordersOfPendingShipments(
  db: Db | Tx,
  companyId: number,
  ids: number[],
): Promise<number[]> {
  if (ids.length === 0) return [];
  const rows = await db
    .selectFrom('shipments')
    .select('order_id')
    .distinct()
    .where('company_id', '=', companyId)
    .where('state', '=', 'pending_upload')
    .where('id', '=', sql<number>`ANY(${ids}::bigint[])`)
    .execute();
  return rows.map((row) => Number(row.order_id));
}

/**
 * The pending shipments due for upload, row-locked for the transaction that puts them in a feed.
 * SKIP LOCKED: a shipment being voided or re-queued right now waits for the next run.
 */
export async function lockDueShipments(tx: Tx, companyId: number, ids: number[]): Promise<Shipment[]> {
  if (ids.length === 0) return [];
  const rows = await tx
    .selectFrom('shipments')
    .selectAll()
    .where('company_id', '=', companyId)
    .where('state', '=', 'pending_upload')
    .where('id', '=', sql<number>`ANY(${ids}::bigint[])`)
    .orderBy('id')
    .forUpdate()
    .skipLocked()
    .execute();
  return withItems(tx, rows);
}

/** Quantities of each order item already in shipments that may still reach Amazon. */
export async function quantitiesInFlight(tx: Tx, orderId: number): Promise<Map<number, number>> {
  const rows = await tx
    .selectFrom('shipment_items')
    .innerJoin('shipments', 'shipments.id', 'shipment_items.shipment_id')
    .select([
      'shipment_items.order_item_row_id',
      (eb) => eb.fn.sum<string>('shipment_items.quantity').as('quantity'),
    ])
    .where('shipments.order_id', '=', orderId)
    .where('shipments.state', 'in', ['pending_upload', 'uploading'])
    .groupBy('shipment_items.order_item_row_id')
    .execute();
  return new Map(rows.map((row) => [row.order_item_row_id, Number(row.quantity)]));
}

/** Units per order item in these shipments. */
export async function shippedQuantities(tx: Tx, shipmentIds: number[]): Promise<ShippedQuantity[]> {
  if (shipmentIds.length === 0) return [];
  const rows = await tx
    .selectFrom('shipment_items')
    .select(['order_item_row_id', (eb) => eb.fn.sum<string>('quantity').as('quantity')])
    .where('shipment_id', '=', sql<number>`ANY(${shipmentIds}::bigint[])`)
    .groupBy('order_item_row_id')
    .execute();
  return rows.map((row) => ({ orderItemRowId: row.order_item_row_id, quantity: Number(row.quantity) }));
}

/** Each shipment's order: its row id and Amazon's order id. */
export async function ordersOfShipments(
  tx: Tx,
  shipmentIds: number[],
): Promise<{ shipmentId: number; orderId: number; amazonOrderId: string }[]> {
  if (shipmentIds.length === 0) return [];
  const rows = await tx
    .selectFrom('shipments')
    .select(['id', 'order_id', 'amazon_order_id'])
    .where('id', '=', sql<number>`ANY(${shipmentIds}::bigint[])`)
    .execute();
  return rows.map((row) => ({
    shipmentId: Number(row.id),
    orderId: Number(row.order_id),
    amazonOrderId: row.amazon_order_id,
  }));
}

type ShipmentChanges = Omit<ShipmentRowUpdate, 'id' | 'company_id' | 'created_at' | 'state'>;

/** Moves shipments to `to` from the states the transition table allows; returns the ids moved. */
export async function moveShipments(
  db: Db | Tx,
  ids: number[],
  to: ShipmentState,
  changes: ShipmentChanges = {},
  onlyFrom?: readonly ShipmentState[],
): Promise<number[]> {
  if (ids.length === 0) return [];
  const from = onlyFrom ?? shipmentStatesLeadingTo(to);
  const rows = await db
    .updateTable('shipments')
    .set({ ...changes, state: to, updated_at: new Date() })
    .where('id', '=', sql<number>`ANY(${ids}::bigint[])`)
    .where('state', 'in', [...from])
    .returning('id')
    .execute();
  return rows.map((row) => row.id);
}

/** Shipment ids waiting for upload whose backoff, if any, has passed. */
export async function dueShipmentIds(db: Db, companyId: number, now: Date): Promise<number[]> {
  const rows = await db
    .selectFrom('shipments')
    .select('id')
    .where('company_id', '=', companyId)
    .where('state', '=', 'pending_upload')
    .where((eb) => eb.or([eb('retry_after', 'is', null), eb('retry_after', '<=', now)]))
    .orderBy('id')
    .execute();
  return rows.map((row) => row.id);
}

/** Marks shipments Amazon rejected, each with its own result code and message. */
export async function rejectShipments(
  tx: Tx,
  feedId: number,
  rejected: { id: number; code: string; message: string }[],
): Promise<number> {
  if (rejected.length === 0) return 0;
  const result = await sql`
    UPDATE shipments AS s
    SET state = 'rejected', result_code = v.code, result_message = v.message, updated_at = now()
    FROM unnest(${rejected.map((r) => r.id)}::bigint[], ${rejected.map((r) => r.code)}::text[],
                ${rejected.map((r) => r.message)}::text[]) AS v(id, code, message)
    WHERE s.id = v.id AND s.state = 'uploading' AND s.feed_id = ${feedId}
  `.execute(tx);
  return Number(result.numAffectedRows ?? 0n);
}

/**
 * Sends shipments of a failed feed back to wait, each a little longer than the last time:
 * 5 minutes doubling per attempt, at most 6 hours, from `now` (the clock that decides when they are due).
 */
export async function releaseShipments(
  tx: Tx,
  feedId: number,
  ids: number[],
  reason: string,
  now: Date,
): Promise<number> {
  if (ids.length === 0) return 0;
  const result = await sql`
    UPDATE shipments
    SET state = 'pending_upload', upload_attempts = upload_attempts + 1, last_error = ${reason},
        retry_after = ${now}::timestamptz
          + LEAST(interval '5 minutes' * power(2, upload_attempts), interval '6 hours'),
        updated_at = now()
    WHERE id = ANY(${ids}::bigint[]) AND state = 'uploading' AND feed_id = ${feedId}
  `.execute(tx);
  return Number(result.numAffectedRows ?? 0n);
}
