import type { Db } from '../db/client.js';
import type { OrderEvent } from '../orders/orders.service.js';
import { listRefunds, type Refund } from './refunds.repository.js';

/** What refunds add to an order's timeline: each request and Amazon's verdict, or its undo. */
export type RefundEventKind = 'refund_requested' | 'refunded' | 'refund_rejected' | 'refund_cancelled';

export interface RefundTimelineEntry extends Omit<OrderEvent, 'kind'> {
  kind: RefundEventKind;
}

function entry(
  kind: RefundEventKind,
  refund: Refund,
  occurredAt: Date,
  extra: Record<string, unknown> = {},
): RefundTimelineEntry {
  const amounts = refund.items
    .map((i) => `${i.orderItemId}:${i.components.map((c) => `${c.component}=${c.amount}`).join(',')}`)
    .join(' ');
  return {
    kind,
    fromStatus: null,
    toStatus: null,
    detail: { refundId: refund.id, reason: refund.reason, currency: refund.currency, amounts, ...extra },
    runId: null,
    source: refund.initiatedBy,
    occurredAt,
  };
}

function refundEntries(refund: Refund): RefundTimelineEntry[] {
  // An Amazon-issued refund is known only once it has happened.
  const entries =
    refund.initiatedBy === 'seller' ? [entry('refund_requested', refund, refund.requestedAt)] : [];
  const finished = refund.finishedAt;
  if (finished === null) return entries;
  if (refund.state === 'accepted') entries.push(entry('refunded', refund, finished));
  if (refund.state === 'cancelled') entries.push(entry('refund_cancelled', refund, finished));
  if (refund.state === 'rejected') {
    entries.push(
      entry('refund_rejected', refund, finished, {
        resultCode: refund.resultCode,
        resultMessage: refund.resultMessage,
      }),
    );
  }
  return entries;
}

/** The order's timeline with its refunds, seller's and Amazon's, in time order. */
export async function withRefundTimeline<Entry extends { occurredAt: Date }>(
  db: Db,
  companyId: number,
  orderId: number,
  timeline: Entry[],
): Promise<(Entry | RefundTimelineEntry)[]> {
  const refunds = await listRefunds(db, companyId, { orderId });
  const added = refunds.flatMap(refundEntries);
  return [...timeline, ...added].sort((a, b) => a.occurredAt.getTime() - b.occurredAt.getTime());
}
