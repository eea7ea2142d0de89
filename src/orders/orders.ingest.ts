import type { Tx } from '../db/client.js';
import type { Keyring } from '../shared/crypto.js';
import { sealPersonalData } from './buyer-data.js';
import { forgetSkippedOrders, rememberSkippedOrders } from './checkout-by-amazon.repository.js';
import type { OrderDraft } from './order-draft.js';
import type { OrderEventHandlers } from './order-events.js';
import { mergeOrder } from './order-merge.js';
import type { MergeEvent, MergeProblem, MergeSource, OrderCopy, OrderState } from './order-state.js';
import { itemRowsOf, lockOrderStates, orderRowOf, type StoredOrder } from './order-state.repository.js';
import {
  deleteItemsNotKept,
  insertOrderEvents,
  upsertItemRows,
  upsertOrderRows,
  type NewOrderEvent,
} from './orders.repository.js';
import type { NewOrderItemRow } from './orders.table.js';

/**
 * A downloaded Amazon Custom customization of one item, keyed `${amazonOrderId}/${orderItemId}`; `raw` is
 * null when the archive was refused, and the summary then says why.
 */
export interface Customization {
  summary: string;
  raw: string | null;
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
  /** BUYER_DATA_RETENTION_DAYS: the erase-after time of each order is derived with it. */
  retentionDays: number;
  /** When the batch was read (our clock): a skipped Checkout by Amazon order is remembered with it. */
  seenAt: Date;
  customizations?: ReadonlyMap<string, Customization>;
  /** Told, in the batch's transaction, of what other domains follow (an order cancelled on Amazon). */
  orderEvents: OrderEventHandlers;
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
  /** Copies set aside because their status move is one Amazon never makes. */
  refused: number;
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
    refused: 0,
  };
}

export function sumCounts(a: BatchCounts, b: BatchCounts): BatchCounts {
  const sum = { ...a };
  for (const key of Object.keys(b) as (keyof BatchCounts)[]) sum[key] += b[key];
  return sum;
}

export interface BatchResult {
  counts: BatchCounts;
  /** Copies not applied, to be recorded as download problems with the batch. */
  problems: MergeProblem[];
}

interface Merged {
  next: OrderState;
  events: MergeEvent[];
  known: StoredOrder | undefined;
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

function copyOf(batch: OrderBatch, keyring: Keyring, draft: OrderDraft): OrderCopy {
  const { buyer, recipient, complete: _complete, items, ...facts } = draft;
  const orderKey = { companyId: batch.companyId, amazonOrderId: draft.amazonOrderId };
  return {
    ...facts,
    note: noteOf(draft, batch.customizations),
    buyerEnc: sealPersonalData(keyring, buyer, 'buyer_enc', orderKey),
    recipientEnc: sealPersonalData(keyring, recipient, 'recipient_enc', orderKey),
    items: items.map(({ customizedUrl, giftMessage, ...item }) => {
      const custom = batch.customizations?.get(`${draft.amazonOrderId}/${item.orderItemId}`);
      return {
        ...item,
        // Item texts are sealed when written: their ciphertext is bound to the item's row.
        customizedUrlEnc: customizedUrl === null ? null : { plain: customizedUrl },
        customizationRawEnc: custom?.raw == null ? null : { plain: custom.raw },
        customizationSummary: custom?.summary ?? null,
        giftMessageEnc: giftMessage === null ? null : { plain: giftMessage },
      };
    }),
  };
}

export function sourceOf(label: string): MergeSource {
  const kind = label.startsWith('report:') ? 'report' : label.startsWith('getOrder') ? 'getOrder' : 'search';
  return { kind, label };
}

/**
 * Checkout by Amazon orders are skipped unless the company imports them, and remembered, so that they are
 * imported once it does; those it imports are no longer waiting.
 */
async function takeCheckoutByAmazon(tx: Tx, batch: OrderBatch, counts: BatchCounts): Promise<OrderDraft[]> {
  const checkoutByAmazon = batch.drafts.filter((draft) => draft.isCheckoutByAmazon);
  if (checkoutByAmazon.length === 0) return batch.drafts;
  if (batch.allowCheckoutByAmazon) {
    await forgetSkippedOrders(
      tx,
      batch.companyId,
      checkoutByAmazon.map((draft) => draft.amazonOrderId),
    );
    return batch.drafts;
  }
  counts.checkoutByAmazonSkipped += checkoutByAmazon.length;
  await rememberSkippedOrders(tx, batch.companyId, checkoutByAmazon, batch.source, batch.seenAt);
  return batch.drafts.filter((draft) => !draft.isCheckoutByAmazon);
}

/**
 * Writes one batch of orders (a page, or a slice of a report) in the caller's transaction: each copy is
 * merged with the stored order (mergeOrder decides everything), then orders, items and timeline events
 * are written in bulk. Newly cancelled orders are told to `batch.orderEvents` (fulfillment voids their
 * shipments not yet sent).
 */
export async function commitOrderBatch(tx: Tx, keyring: Keyring, batch: OrderBatch): Promise<BatchResult> {
  const counts = emptyCounts(batch.drafts.length);
  const wanted = await takeCheckoutByAmazon(tx, batch, counts);
  const stored = await lockOrderStates(
    tx,
    batch.companyId,
    wanted.map((d) => d.amazonOrderId),
  );
  const source = sourceOf(batch.source);
  const policy = { retentionDays: batch.retentionDays };
  const problems: MergeProblem[] = [];
  // Copies of the same order in one batch are merged one after the other, like copies from two batches.
  const merged = new Map<string, Merged>();
  for (const draft of wanted) {
    const known = stored.get(draft.amazonOrderId);
    const before = merged.get(draft.amazonOrderId);
    const result = mergeOrder(before?.next ?? known?.state, copyOf(batch, keyring, draft), source, policy);
    problems.push(...result.problems);
    if (result.problems.length > 0) counts.refused++;
    else if (!result.changed) counts.stale++;
    else
      merged.set(draft.amazonOrderId, {
        next: result.next,
        events: [...(before?.events ?? []), ...result.events],
        known,
      });
  }
  const firstSeen = { runId: batch.runId, source: batch.source };
  const written = await upsertOrderRows(
    tx,
    [...merged.values()].map(({ next }) => orderRowOf(batch.companyId, next, firstSeen)),
  );
  const idOf = new Map(written.map((row) => [row.amazon_order_id, row.id]));
  const items: NewOrderItemRow[] = [];
  const kept: { orderId: number; orderItemIds: string[] }[] = [];
  const events: NewOrderEvent[] = [];
  const newlyCancelled: OrderState[] = [];
  for (const { next, events: orderEvents, known } of merged.values()) {
    const orderId = idOf.get(next.amazonOrderId);
    if (orderId === undefined) continue;
    if (known) counts.updated++;
    else counts.inserted++;
    items.push(...itemRowsOf(keyring, orderId, next));
    if (known) kept.push({ orderId, orderItemIds: next.items.map((item) => item.orderItemId) });
    for (const event of orderEvents)
      events.push({ ...event, orderId, runId: batch.runId, source: batch.source });
    if (orderEvents.some((e) => e.kind === 'cancelled')) newlyCancelled.push(next);
    if (orderEvents.some((e) => e.kind === 'cancel_requested')) counts.cancelRequests++;
  }
  await deleteItemsNotKept(tx, kept);
  await upsertItemRows(tx, items);
  await insertOrderEvents(tx, events);
  await batch.orderEvents.chargesChanged(tx, {
    companyId: batch.companyId,
    amazonOrderIds: [...merged.values()].filter((m) => m.known).map((m) => m.next.amazonOrderId),
  });
  counts.cancelled = newlyCancelled.length;
  for (const order of newlyCancelled) {
    const by = order.cancelledBy ?? 'Amazon';
    const reason = `order cancelled (by ${by}${order.cancelReason ? `: ${order.cancelReason}` : ''})`;
    const followed = await batch.orderEvents.cancelledOnAmazon(tx, {
      companyId: batch.companyId,
      amazonOrderId: order.amazonOrderId,
      reason,
    });
    counts.shipmentsVoided += followed.shipmentsVoided;
  }
  return { counts, problems };
}
