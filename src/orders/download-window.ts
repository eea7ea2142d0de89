import type { OrderSettings } from '../config.js';
import type { DownloadPlan } from './download-plan.js';

/**
 * The order download's position, one per company in sync_cursors (stream `orders`), always saved in the
 * transaction that commits the orders it covers (docs/orders.md, "Windows and the cursor").
 */
export const ORDERS_STREAM = 'orders';

/** Amazon refuses a window ending less than two minutes before its own current time. */
export const AMAZON_SETTLE_MS = 2 * 60_000;
/** Kept on top of the two minutes, for the time the request takes to reach Amazon. */
const REQUEST_MARGIN_MS = 15_000;
/** Amazon returns orders up to two years old; the backfill starts a day inside that limit. */
const MAX_LOOKBACK_MS = (2 * 365 - 1) * 86_400_000;

export type WindowPhase = 'search' | 'report' | 'buyer-data';

export interface WindowState {
  /** lastUpdatedAfter. */
  after: string;
  /** lastUpdatedBefore as sent on the search phase's pages; null when it was left to Amazon. */
  before: string | null;
  /** Where the cursor moves when the window is done: two minutes before Amazon's time at its first page. */
  end: string;
  plan: DownloadPlan;
  phase: WindowPhase;
  /** The next page of the current phase; absent at a phase's start. */
  nextToken?: string | undefined;
  pages: number;
  reportId?: string | undefined;
  reportRequestedAt?: string | undefined;
}

export interface OrderCursor {
  /** Every order updated before this instant (Amazon's clock) is stored. Absent before the first window. */
  committedUntil?: string | undefined;
  /** Amazon's clock minus ours, from the last response's Date header. */
  clockOffsetMs?: number | undefined;
  /** The window in progress, resumed by the next run when this one stops half-way. */
  window?: WindowState | undefined;
}

export interface NewWindow {
  after: Date;
  /** Null when Amazon's clock is not known yet: the first page leaves lastUpdatedBefore to Amazon. */
  before: Date | null;
}

/** Amazon's current time as far as we know it: ours, corrected by the last offset seen. */
export function amazonNow(cursor: OrderCursor, localNow: Date): Date {
  return new Date(localNow.getTime() + (cursor.clockOffsetMs ?? 0));
}

/** The next window: from the committed position less the overlap (or the backfill start) to 2 minutes ago. */
export function planWindow(cursor: OrderCursor, settings: OrderSettings, localNow: Date): NewWindow {
  const now = amazonNow(cursor, localNow).getTime();
  const overlap = settings.windowOverlapMinutes * 60_000;
  const backfillStart = now - Math.min(settings.backfillDays * 86_400_000, MAX_LOOKBACK_MS);
  const after =
    cursor.committedUntil === undefined ? backfillStart : Math.max(Date.parse(cursor.committedUntil) - overlap, backfillStart);
  const before = cursor.clockOffsetMs === undefined ? null : new Date(now - AMAZON_SETTLE_MS - REQUEST_MARGIN_MS);
  return { after: new Date(after), before: before && before.getTime() > after ? before : null };
}

/** Where a window ends once Amazon's time is known from its first page. */
export function windowEnd(before: Date | null, amazonTime: Date): Date {
  return before ?? new Date(amazonTime.getTime() - AMAZON_SETTLE_MS);
}
