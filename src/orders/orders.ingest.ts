import type { Tx } from '../db/client.js';
import { voidUnconfirmedShipments } from '../fulfillment/shipments.service.js';
import type { Keyring } from '../shared/crypto.js';
import { sealPersonalData, sealText } from './buyer-data.js';
import { statusRank, type OrderDraft } from './order-draft.js';
import {
  deleteReportItems,
  insertOrderEvents,
  lockExistingOrders,
  upsertItemRows,
  upsertOrderRows,
  type ExistingOrder,
  type NewOrderEvent,
} from './orders.repository.js';
import type { NewOrderItemRow, NewOrderRow } from './orders.table.js';

/** How long the seller has to answer a buyer's cancellation request (docs/orders.md). */
export const CANCEL_RESPONSE_HOURS = 48;

/** A downloaded Amazon Custom customization of one item, keyed `${amazonOrderId}/${orderItemId}`. */
export interface Customization {
  summary: string;
  raw: string;
}

export interface OrderBatch {
  companyId: number;
  allowCheckoutByAmazon: boolean;
  runId: number | null;
  /**
   * Where these copies came from: `searchOrders:<window start>#<page>`, `report:<reportId>` or
   * `getOrder(problem):<problem id>`.
   */
  source: string;
  drafts: OrderDraft[];
  customizations?: ReadonlyMap<string, Customization>;
}

export interface BatchCounts {
  received: number;
  inserted: number;
  updated: number;
  stale: number;
  checkoutByAmazonSkipped: number;
  cancelled: number;
  cancelRequests: number;
  shipmentsVoided: number;
}

export function emptyCounts(received: number): BatchCounts {
  return {
    received,
    inserted: 0,
    updated: 0,
    stale: 0,
    checkoutByAmazonSkipped: 0,
    cancelled: 0,
    cancelRequests: 0,
    shipmentsVoided: 0,
  };
}

export function sumCounts(a: BatchCounts, b: BatchCounts): BatchCounts {
  const sum = { ...a };
  for (const key of Object.keys(b) as (keyof BatchCounts)[]) sum[key] += b[key];
  return sum;
}

/** The newest copy of each order in the batch: duplicates across or within pages collapse to one. */
export function newestCopies(drafts: OrderDraft[]): OrderDraft[] {
  const newest = new Map<string, OrderDraft>();
  for (const draft of drafts) {
    const seen = newest.get(draft.amazonOrderId);
    if (!seen || seen.lastUpdatedAt <= draft.lastUpdatedAt) newest.set(draft.amazonOrderId, draft);
  }
  return [...newest.values()];
}

function noteOf(
  draft: OrderDraft,
  customizations: ReadonlyMap<string, Customization> | undefined,
): string | null {
  const notes = draft.items.flatMap((item) => {
    const custom = customizations?.get(`${draft.amazonOrderId}/${item.orderItemId}`);
    return custom ? [custom.summary] : [];
  });
  return notes.length > 0 ? notes.join('\n') : null;
}

function orderRow(batch: OrderBatch, keyring: Keyring, draft: OrderDraft, erased: boolean): NewOrderRow {
  const requestedAt = draft.cancelRequest ? draft.lastUpdatedAt : null;
  const respondBy = requestedAt ? new Date(requestedAt.getTime() + CANCEL_RESPONSE_HOURS * 3_600_000) : null;
  const orderKey = { companyId: batch.companyId, amazonOrderId: draft.amazonOrderId };
  return {
    company_id: batch.companyId,
    amazon_order_id: draft.amazonOrderId,
    marketplace_id: draft.marketplaceId,
    sales_channel: draft.salesChannel,
    is_checkout_by_amazon: draft.isCheckoutByAmazon,
    purchase_date: draft.purchaseDate,
    last_updated_at: draft.lastUpdatedAt,
    status: draft.status,
    fulfillment_channel: draft.fulfillmentChannel,
    service_level: draft.serviceLevel,
    earliest_ship_date: draft.earliestShipDate,
    latest_ship_date: draft.latestShipDate,
    earliest_delivery_date: draft.earliestDeliveryDate,
    latest_delivery_date: draft.latestDeliveryDate,
    order_total: draft.orderTotal,
    currency: draft.currency,
    payment_status: draft.paymentStatus,
    subtypes: draft.subtypes,
    replaced_order_id: draft.replacedOrderId,
    note: noteOf(draft, batch.customizations),
    on_hold: draft.cancelRequest !== null,
    hold_reason: draft.cancelRequest
      ? `buyer requested cancellation: ${draft.cancelRequest.reason ?? 'no reason given'}`
      : null,
    cancel_requested_at: requestedAt,
    cancel_request_reason: draft.cancelRequest?.reason ?? null,
    cancel_respond_by: respondBy,
    cancelled_by: draft.cancellation?.cancelledBy ?? null,
    cancel_reason: draft.cancellation?.reason ?? null,
    buyer_enc: erased ? null : sealPersonalData(keyring, draft.buyer, 'buyer_enc', orderKey),
    recipient_enc: erased ? null : sealPersonalData(keyring, draft.recipient, 'recipient_enc', orderKey),
    shipped_at: draft.shippedAt,
    delivered_at: draft.deliveredAt,
    first_seen_run_id: batch.runId,
    first_seen_source: batch.source,
  };
}

function itemRows(
  batch: OrderBatch,
  keyring: Keyring,
  draft: OrderDraft,
  orderId: number,
  erased: boolean,
): NewOrderItemRow[] {
  return draft.items.map((item) => {
    const custom = batch.customizations?.get(`${draft.amazonOrderId}/${item.orderItemId}`);
    const itemKey = { orderId, orderItemId: item.orderItemId };
    return {
      order_id: orderId,
      order_item_id: item.orderItemId,
      sku: item.sku,
      asin: item.asin,
      title: item.title,
      quantity_ordered: item.quantityOrdered,
      quantity_shipped: item.quantityShipped,
      quantity_cancelled: item.quantityCancelled,
      currency: item.currency,
      unit_price: item.unitPrice,
      item_price: item.itemPrice,
      item_tax: item.itemTax,
      shipping_price: item.shippingPrice,
      shipping_tax: item.shippingTax,
      promotion_discount: item.promotionDiscount,
      promotion_ids: item.promotionIds,
      customized_url_enc: erased
        ? null
        : sealText(keyring, item.customizedUrl, 'customized_url_enc', itemKey),
      customization_raw_enc:
        erased || !custom ? null : sealText(keyring, custom.raw, 'customization_raw_enc', itemKey),
      customization_summary: custom?.summary ?? null,
      cancel_requested: item.cancelRequested,
    };
  });
}

function eventsFor(
  batch: OrderBatch,
  draft: OrderDraft,
  orderId: number,
  existing: ExistingOrder | undefined,
) {
  const base = { orderId, runId: batch.runId, source: batch.source };
  const events: NewOrderEvent[] = [];
  const at = draft.lastUpdatedAt.toISOString();
  if (!existing) {
    events.push({
      ...base,
      kind: 'first_seen',
      fromStatus: null,
      toStatus: draft.status,
      detail: { lastUpdatedTime: at },
    });
  }
  const from = existing?.status ?? null;
  // A copy with the same time (seen again, or a same-second update) changes the status only forwards.
  const sameTime =
    existing !== undefined && existing.lastUpdatedAt.getTime() === draft.lastUpdatedAt.getTime();
  const moves = !sameTime || statusRank(draft.status) > statusRank(existing.status);
  if (moves && draft.status === 'Canceled' && from !== 'Canceled') {
    const detail = {
      lastUpdatedTime: at,
      cancelledBy: draft.cancellation?.cancelledBy ?? null,
      reason: draft.cancellation?.reason ?? null,
    };
    events.push({ ...base, kind: 'cancelled', fromStatus: from, toStatus: 'Canceled', detail });
  } else if (moves && existing && from !== draft.status) {
    events.push({
      ...base,
      kind: 'status_changed',
      fromStatus: from,
      toStatus: draft.status,
      detail: { lastUpdatedTime: at },
    });
  }
  if (draft.cancelRequest && !existing?.cancelRequestedAt) {
    const detail = { reason: draft.cancelRequest.reason, requestedAt: at };
    events.push({ ...base, kind: 'cancel_requested', fromStatus: null, toStatus: null, detail });
  }
  return events;
}

/**
 * Writes one batch of orders (a page, or a slice of a report) in the caller's transaction: orders, items
 * and timeline events in bulk. Older copies than the stored ones are skipped; so are Checkout by Amazon
 * orders unless the company imports them. Newly cancelled orders get their unconfirmed shipments voided.
 */
export async function commitOrderBatch(tx: Tx, keyring: Keyring, batch: OrderBatch): Promise<BatchCounts> {
  const counts = emptyCounts(batch.drafts.length);
  const wanted = newestCopies(batch.drafts).filter((draft) => {
    if (!draft.isCheckoutByAmazon || batch.allowCheckoutByAmazon) return true;
    counts.checkoutByAmazonSkipped++;
    return false;
  });
  const existing = await lockExistingOrders(
    tx,
    batch.companyId,
    wanted.map((d) => d.amazonOrderId),
  );
  const fresh = wanted.filter((draft) => {
    const stored = existing.get(draft.amazonOrderId);
    // A report line adds nothing to a stored copy of the same time (that copy is as new, and fuller).
    if (!stored || stored.lastUpdatedAt < draft.lastUpdatedAt) return true;
    if (draft.complete && stored.lastUpdatedAt.getTime() === draft.lastUpdatedAt.getTime()) return true;
    counts.stale++;
    return false;
  });
  const complete = fresh.every((d) => d.complete);
  const erased = (draft: OrderDraft) => existing.get(draft.amazonOrderId)?.buyerDataErased ?? false;
  const written = await upsertOrderRows(
    tx,
    fresh.map((d) => orderRow(batch, keyring, d, erased(d))),
    complete,
  );
  const idOf = new Map(written.map((row) => [row.amazon_order_id, row.id]));
  const items: NewOrderItemRow[] = [];
  const events: NewOrderEvent[] = [];
  const newlyCancelled: OrderDraft[] = [];
  for (const draft of fresh) {
    const orderId = idOf.get(draft.amazonOrderId);
    if (orderId === undefined) continue;
    const stored = existing.get(draft.amazonOrderId);
    if (stored) counts.updated++;
    else counts.inserted++;
    // A report line has no order item id: its placeholder items are stored only until the real ones arrive.
    if (draft.complete || !stored?.hasItems)
      items.push(...itemRows(batch, keyring, draft, orderId, erased(draft)));
    const orderEvents = eventsFor(batch, draft, orderId, stored);
    events.push(...orderEvents);
    if (orderEvents.some((e) => e.kind === 'cancelled')) newlyCancelled.push(draft);
    if (orderEvents.some((e) => e.kind === 'cancel_requested')) counts.cancelRequests++;
  }
  if (complete)
    await deleteReportItems(
      tx,
      fresh.flatMap((d) => idOf.get(d.amazonOrderId) ?? []),
    );
  await upsertItemRows(tx, items);
  await insertOrderEvents(tx, events);
  counts.cancelled = newlyCancelled.length;
  for (const draft of newlyCancelled) {
    const by = draft.cancellation?.cancelledBy ?? 'Amazon';
    const reason = `order cancelled (by ${by}${draft.cancellation?.reason ? `: ${draft.cancellation.reason}` : ''})`;
    counts.shipmentsVoided += await voidUnconfirmedShipments(
      tx,
      batch.companyId,
      [draft.amazonOrderId],
      reason,
    );
  }
  return counts;
}
