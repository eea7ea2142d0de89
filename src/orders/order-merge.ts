import { statusRank } from './order-draft.js';
import {
  NO_HOLD,
  sameState,
  type HoldState,
  type ItemSecret,
  type ItemState,
  type MergeEvent,
  type MergePolicy,
  type MergeProblem,
  type MergeResult,
  type MergeSource,
  type OrderCopy,
  type OrderState,
} from './order-state.js';
import { holdAfter, statusMoveAllowed } from './order-transitions.js';

/** How long the seller has to answer a buyer's cancellation request (docs/orders.md). */
export const CANCEL_RESPONSE_HOURS = 48;

const DAY_MS = 86_400_000;

/**
 * Which of two copies is newer: the later `lastUpdatedAt`; at the same time (Amazon's times have whole
 * seconds) the status further along; then the complete copy over a report line.
 */
function compareCopies(
  a: { lastUpdatedAt: Date; status: OrderState['status']; complete: boolean },
  b: { lastUpdatedAt: Date; status: OrderState['status']; complete: boolean },
): number {
  return (
    a.lastUpdatedAt.getTime() - b.lastUpdatedAt.getTime() ||
    statusRank(a.status) - statusRank(b.status) ||
    Number(a.complete) - Number(b.complete)
  );
}

/** An order's items: a complete copy's real items replace a report's placeholders; known values are kept. */
function mergeItems(winner: ItemState[], other: ItemState[], complete: boolean): ItemState[] {
  if (!complete) return winner.length > 0 ? winner : other;
  const byId = new Map(other.map((item) => [item.orderItemId, item]));
  const merged = winner.map((item) => {
    const known = byId.get(item.orderItemId);
    if (!known) return item;
    return {
      ...item,
      quantityShipped: Math.max(item.quantityShipped, known.quantityShipped),
      customizedUrlEnc: storedFirst(item.customizedUrlEnc, known.customizedUrlEnc),
      customizationRawEnc: storedFirst(item.customizationRawEnc, known.customizationRawEnc),
      customizationSummary: item.customizationSummary ?? known.customizationSummary,
      giftMessageEnc: storedFirst(item.giftMessageEnc, known.giftMessageEnc),
      priceDesignation: item.priceDesignation ?? known.priceDesignation,
      giftWrapLevel: item.giftWrapLevel ?? known.giftWrapLevel,
    };
  });
  const ids = new Set(winner.map((item) => item.orderItemId));
  return [...merged, ...other.filter((item) => !ids.has(item.orderItemId) && !isPlaceholder(item))];
}

/** The stored ciphertext over the same text just downloaded: nothing to seal and write again. */
function storedFirst(a: ItemSecret | null, b: ItemSecret | null): ItemSecret | null {
  if (a && 'sealed' in a) return a;
  if (b && 'sealed' in b) return b;
  return a ?? b;
}

export function isPlaceholder(item: Pick<ItemState, 'orderItemId'>): boolean {
  return item.orderItemId.startsWith('report:');
}

function hasRealItems(items: ItemState[]): boolean {
  return items.some((item) => !isPlaceholder(item));
}

function holdOf(stored: HoldState, copy: OrderCopy, next: Pick<OrderState, 'status' | 'lastUpdatedAt'>) {
  let hold = stored;
  if (copy.cancelRequest) {
    const state = holdAfter(hold.state, 'buyer_requested');
    // The request's time is the earliest copy showing it, whatever order the copies arrive in.
    const requestedAt =
      hold.requestedAt && hold.requestedAt <= copy.lastUpdatedAt ? hold.requestedAt : copy.lastUpdatedAt;
    hold = {
      ...hold,
      state,
      requestedAt,
      reason: hold.reason ?? copy.cancelRequest.reason,
      respondBy: new Date(requestedAt.getTime() + CANCEL_RESPONSE_HOURS * 3_600_000),
    };
  }
  if (next.status === 'Canceled' && hold.state === 'requested')
    hold = { ...hold, state: holdAfter(hold.state, 'order_cancelled'), decidedAt: next.lastUpdatedAt };
  return hold;
}

/** Delivery, or the latest delivery date when Amazon gives none, or the cancellation, + retention. */
export function eraseAfterOf(state: OrderState, policy: MergePolicy): Date | null {
  const shipped = state.status === 'Shipped' || state.status === 'InvoiceUnconfirmed';
  const basis =
    state.deliveredAt ??
    (shipped ? (state.latestDeliveryDate ?? state.shippedAt ?? state.lastUpdatedAt) : null) ??
    (state.status === 'Canceled' ? state.lastUpdatedAt : null);
  return basis === null ? null : new Date(basis.getTime() + policy.retentionDays * DAY_MS);
}

function eventsOf(stored: OrderState | undefined, next: OrderState): MergeEvent[] {
  const events: MergeEvent[] = [];
  const at = next.lastUpdatedAt.toISOString();
  if (!stored)
    events.push({
      kind: 'first_seen',
      fromStatus: null,
      toStatus: next.status,
      detail: { lastUpdatedTime: at },
    });
  const from = stored?.status ?? null;
  if (next.status === 'Canceled' && from !== 'Canceled') {
    const detail = { lastUpdatedTime: at, cancelledBy: next.cancelledBy, reason: next.cancelReason };
    events.push({ kind: 'cancelled', fromStatus: from, toStatus: 'Canceled', detail });
  } else if (stored && from !== next.status) {
    events.push({
      kind: 'status_changed',
      fromStatus: from,
      toStatus: next.status,
      detail: { lastUpdatedTime: at },
    });
  }
  const before = stored?.hold.state ?? 'none';
  if (before === 'none' && next.hold.state !== 'none') {
    const detail = { reason: next.hold.reason, requestedAt: next.hold.requestedAt?.toISOString() };
    events.push({ kind: 'cancel_requested', fromStatus: null, toStatus: null, detail });
  }
  if (before !== next.hold.state && (next.hold.state === 'accepted' || next.hold.state === 'declined')) {
    const detail = { decision: next.hold.state, by: 'Amazon', at };
    events.push({ kind: 'cancel_request_decided', fromStatus: null, toStatus: null, detail });
  }
  return events;
}

/**
 * The one place an order's next state is decided from a copy of it, whatever the source. Rules:
 * - the newer copy (compareCopies) decides the fields every source carries; an older copy only fills
 *   what is unknown;
 * - the newest complete copy decides what only complete copies carry (ship windows, subtypes, items);
 *   a report line decides them only for an order no complete copy has reached yet;
 * - a newer copy whose status move Amazon never makes (STATUS_TRANSITIONS) is not applied: it is a problem;
 * - the buyer-cancellation hold moves by HOLD_TRANSITIONS only, so it lifts only by a decision;
 * - buyer data once erased stays erased; the erase-after time is derived from the result.
 */
export function mergeOrder(
  stored: OrderState | undefined,
  incoming: OrderCopy,
  source: MergeSource,
  policy: MergePolicy,
): MergeResult {
  const complete = source.kind !== 'report';
  const copy = { ...incoming, complete };
  const storedKey = stored && { ...stored, complete: stored.completeCopyAt !== null };
  const newer = !storedKey || compareCopies(copy, storedKey) > 0;
  if (stored && newer && !statusMoveAllowed(stored.status, copy.status)) {
    const problem: MergeProblem = {
      amazonOrderId: copy.amazonOrderId,
      field: 'status',
      source: source.label,
      problem: `order ${copy.amazonOrderId}: status ${stored.status} → ${copy.status} (${source.label}) is a move Amazon never makes; the copy was set aside`,
    };
    return { next: stored, events: [], problems: [problem], changed: false };
  }
  const [win, lose] = newer || !stored ? [copy, stored ?? copy] : [stored, copy];
  const completeNewer =
    complete &&
    (!stored ||
      stored.completeCopyAt === null ||
      copy.lastUpdatedAt > stored.completeCopyAt ||
      (copy.lastUpdatedAt.getTime() === stored.completeCopyAt.getTime() && newer));
  // The fields only a complete copy carries: from the newest complete copy, or the newest report line.
  const full = !stored || completeNewer || (stored.completeCopyAt === null && newer) ? copy : stored;
  const rest = full === copy ? (stored ?? copy) : copy;
  const erased = stored?.buyerDataErasedAt ?? null;
  const fullIsComplete = full === copy ? complete : stored?.completeCopyAt !== null;
  const shared: OrderState = {
    amazonOrderId: copy.amazonOrderId,
    marketplaceId: full.marketplaceId ?? rest.marketplaceId,
    salesChannel: win.salesChannel,
    isCheckoutByAmazon: win.isCheckoutByAmazon,
    purchaseDate: win.purchaseDate,
    lastUpdatedAt: win.lastUpdatedAt,
    status: win.status,
    fulfillmentChannel: win.fulfillmentChannel,
    serviceLevel: full.serviceLevel ?? rest.serviceLevel,
    earliestShipDate: full.earliestShipDate,
    latestShipDate: full.latestShipDate,
    earliestDeliveryDate: full.earliestDeliveryDate,
    latestDeliveryDate: full.latestDeliveryDate,
    orderTotal: win.orderTotal ?? lose.orderTotal,
    currency: win.currency ?? lose.currency,
    // Once Amazon has verified the payment it stays verified, even when the order is cancelled later.
    paymentStatus:
      win.paymentStatus === 'complete' || lose.paymentStatus === 'complete' ? 'complete' : 'pending',
    subtypes: full.subtypes,
    replacedOrderId: full.replacedOrderId,
    shippedAt: full.shippedAt ?? rest.shippedAt,
    deliveredAt: win.deliveredAt ?? lose.deliveredAt,
    // A report line may leave merchant-order-id empty: the alias once known stays.
    sellerOrderId: full.sellerOrderId ?? rest.sellerOrderId,
    programs: full.programs,
    packages: full.packages,
    unknownValues: full.unknownValues,
    note: erased ? null : (full.note ?? rest.note),
    hold: stored?.hold ?? NO_HOLD,
    cancelledBy: win.status === 'Canceled' ? (cancelledByOf(win) ?? cancelledByOf(lose)) : null,
    cancelReason: win.status === 'Canceled' ? (cancelReasonOf(win) ?? cancelReasonOf(lose)) : null,
    buyerEnc: erased ? null : (full.buyerEnc ?? rest.buyerEnc),
    recipientEnc: erased ? null : (full.recipientEnc ?? rest.recipientEnc),
    buyerDataErasedAt: erased,
    completeCopyAt: completeNewer ? copy.lastUpdatedAt : (stored?.completeCopyAt ?? null),
    eraseAfter: null,
    items: mergeItems(full.items, rest.items, fullIsComplete || hasRealItems(full.items)).map((item) =>
      erased
        ? {
            ...item,
            customizedUrlEnc: null,
            customizationRawEnc: null,
            customizationSummary: null,
            giftMessageEnc: null,
          }
        : item,
    ),
  };
  shared.hold = holdOf(shared.hold, copy, shared);
  const next: OrderState = {
    ...shared,
    eraseAfter: erased ? (stored?.eraseAfter ?? null) : eraseAfterOf(shared, policy),
  };
  const changed = !stored || !sameState(stored, next);
  return { next, events: changed ? eventsOf(stored, next) : [], problems: [], changed };
}

function cancelledByOf(order: OrderCopy | OrderState): string | null {
  return 'cancellation' in order ? (order.cancellation?.cancelledBy ?? null) : order.cancelledBy;
}

function cancelReasonOf(order: OrderCopy | OrderState): string | null {
  return 'cancellation' in order ? (order.cancellation?.reason ?? null) : order.cancelReason;
}

/**
 * The seller's answer to a buyer's cancellation request, or its deadline passing; `requested` reopens a
 * request whose acceptance Amazon rejected and the seller released.
 */
export type HoldDecision = 'accepted' | 'declined' | 'expired' | 'requested';

const DECISION_EVENTS = {
  accepted: 'seller_accepted',
  declined: 'seller_declined',
  expired: 'deadline_passed',
  requested: 'acceptance_withdrawn',
} as const;

/**
 * The order's next state after a decision on its buyer-cancellation hold, by HOLD_TRANSITIONS: only an
 * open request can be decided. The same decision again changes nothing; another one is a problem.
 */
export function decideHold(stored: OrderState, decision: HoldDecision, at: Date): MergeResult {
  const state = holdAfter(stored.hold.state, DECISION_EVENTS[decision]);
  if (stored.hold.state === decision) return { next: stored, events: [], problems: [], changed: false };
  if (state === stored.hold.state) {
    const problem: MergeProblem = {
      amazonOrderId: stored.amazonOrderId,
      field: 'cancel_request_state',
      source: 'seller',
      problem: `order ${stored.amazonOrderId}: the buyer-cancellation hold is ${stored.hold.state}; it cannot become ${decision}`,
    };
    return { next: stored, events: [], problems: [problem], changed: false };
  }
  const decidedAt = decision === 'requested' ? null : at;
  const next: OrderState = { ...stored, hold: { ...stored.hold, state, decidedAt } };
  const detail = { decision, by: decision === 'expired' ? 'deadline' : 'seller', at: at.toISOString() };
  const event: MergeEvent = { kind: 'cancel_request_decided', fromStatus: null, toStatus: null, detail };
  return { next, events: [event], problems: [], changed: true };
}
