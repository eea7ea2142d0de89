import type { Db } from '../db/client.js';
import { listZeroings, type InventoryZeroing } from '../inventory/zeroings.repository.js';
import type { OrderEvent } from '../orders/orders.service.js';
import { listCancellations, type Cancellation } from './cancellations.repository.js';

/** What seller cancellations and inventory zeroing add to an order's timeline. */
export type CancellationEventKind =
  | 'cancellation_requested'
  | 'cancellation_accepted'
  | 'cancellation_rejected'
  | 'cancellation_released'
  | 'inventory_zeroing_requested'
  | 'inventory_zeroed';

export interface TimelineEntry extends Omit<OrderEvent, 'kind'> {
  kind: OrderEvent['kind'] | CancellationEventKind;
}

function entry(
  kind: CancellationEventKind,
  occurredAt: Date,
  detail: Record<string, unknown>,
): TimelineEntry {
  return { kind, fromStatus: null, toStatus: null, detail, runId: null, source: 'seller', occurredAt };
}

function cancellationEntries(c: Cancellation): TimelineEntry[] {
  const items = c.items.map((i) => `${i.orderItemId}x${i.quantity}`).join(' ');
  const entries = [
    entry('cancellation_requested', c.requestedAt, {
      cancellationId: c.id,
      reason: c.reason,
      items,
      ...(c.buyerRequested ? { buyerRequested: true } : {}),
      ...(c.lastError ? { note: c.lastError } : {}),
    }),
  ];
  const finished = c.finishedAt;
  if (finished === null) return entries;
  const detail = { cancellationId: c.id, reason: c.reason, items };
  if (c.state === 'accepted') entries.push(entry('cancellation_accepted', finished, detail));
  if (c.state === 'rejected') {
    entries.push(
      entry('cancellation_rejected', finished, {
        ...detail,
        resultCode: c.resultCode,
        resultMessage: c.resultMessage,
      }),
    );
  }
  if (c.state === 'released') entries.push(entry('cancellation_released', finished, detail));
  return entries;
}

function zeroingEntry(z: InventoryZeroing): TimelineEntry {
  const detail = {
    sku: z.sku,
    marketplaceId: z.marketplaceId,
    state: z.state,
    cancellationId: z.cancellationId,
  };
  if (z.answeredAt === null) return entry('inventory_zeroing_requested', z.requestedAt, detail);
  return entry('inventory_zeroed', z.answeredAt, {
    ...detail,
    ...(z.submissionId ? { submissionId: z.submissionId } : {}),
    ...(z.issues.length > 0 ? { issues: z.issues.map((i) => `${i.code}: ${i.message}`) } : {}),
    ...(z.error ? { error: z.error } : {}),
  });
}

/**
 * The order's timeline with its seller cancellations (requested, then Amazon's verdict or the
 * operator's release) and the SKUs zeroed with them, in time order.
 */
export async function withCancellationTimeline(
  db: Db,
  companyId: number,
  orderId: number,
  amazonOrderId: string,
  timeline: OrderEvent[],
): Promise<TimelineEntry[]> {
  const cancellations = await listCancellations(db, companyId, { orderId });
  const zeroings = await listZeroings(db, companyId, { amazonOrderId });
  const added = [...cancellations.flatMap(cancellationEntries), ...zeroings.map(zeroingEntry)];
  return [...timeline, ...added].sort((a, b) => a.occurredAt.getTime() - b.occurredAt.getTime());
}
