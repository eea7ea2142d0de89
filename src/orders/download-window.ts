import type { OrderSettings } from '../config.js';
import type { DownloadPlan } from './download-plan.js';

/**
 * The order download's position, one per company in sync_cursors (stream `orders`), always saved in the
 * transaction that commits the orders it covers (docs/orders.md, "Windows and the cursor").
 */
export const ORDERS_STREAM = 'orders';

/** Amazon refuses a window ending less than two minutes before its own current time. */
export const AMAZON_SETTLE_MS = 2 * 60_000;
/** Amazon returns orders up to two years old; the backfill starts a day inside that limit. */
const MAX_LOOKBACK_MS = (2 * 365 - 1) * 86_400_000;

/**
 * search: searchOrders pages. The report plan: report (request it) → buyer-data (searchOrders for the
 * orders still to ship, while Amazon produces the report) → report (wait for it, read it).
 */
export type WindowPhase = 'search' | 'report' | 'buyer-data';

export interface WindowState {
  /** lastUpdatedAfter. */
  after: string;
  /**
   * Where the cursor moves when the window is done: the end Amazon applied to the window's first page
   * (two minutes before its own clock). The search phase leaves lastUpdatedBefore to Amazon; the report
   * and buyer-data phases send this end.
   */
  end: string;
  plan: DownloadPlan;
  phase: WindowPhase;
  /** Set when the report failed for this window: it finishes with searchOrders whatever the estimate. */
  noReport?: boolean | undefined;
  /** The next page of the current phase; absent at a phase's start. */
  nextToken?: string | undefined;
  /** The search phase's next page, kept while the report plan runs: a fallback carries on from it. */
  searchToken?: string | undefined;
  pages: number;
  reportId?: string | undefined;
  reportRequestedAt?: string | undefined;
}

export interface OrderCursor {
  /** Every order updated before this instant (Amazon's clock) is stored. Absent before the first window. */
  committedUntil?: string | undefined;
  /** Amazon's clock minus ours, from the last response's Date header (shown, not used to compute windows). */
  clockOffsetMs?: number | undefined;
  /** The window in progress, resumed by the next run when this one stops half-way. */
  window?: WindowState | undefined;
}

/** The first window's start: `ORDER_BACKFILL_DAYS` before Amazon's now, within Amazon's two years. */
export function backfillStart(settings: OrderSettings, amazonNow: Date): Date {
  return new Date(amazonNow.getTime() - Math.min(settings.backfillDays * 86_400_000, MAX_LOOKBACK_MS));
}

/** Where the next window starts, by Amazon's clock: the committed position less the overlap, or the backfill start. */
export function windowStart(cursor: OrderCursor, settings: OrderSettings, amazonNow: Date): Date {
  const backfill = backfillStart(settings, amazonNow).getTime();
  if (cursor.committedUntil === undefined) return new Date(backfill);
  const overlap = settings.windowOverlapMinutes * 60_000;
  return new Date(Math.max(Date.parse(cursor.committedUntil) - overlap, backfill));
}

/**
 * A committed position later than the latest end Amazon would give a window now: only a wrong clock
 * puts it there, and a window from it would read nothing.
 */
export function isAheadOfAmazon(cursor: OrderCursor, amazonNow: Date): boolean {
  return (
    cursor.committedUntil !== undefined &&
    Date.parse(cursor.committedUntil) > amazonNow.getTime() - AMAZON_SETTLE_MS
  );
}

/**
 * Where a window ends: the lastUpdatedBefore Amazon applied (echoed in the response), or else two minutes
 * before Amazon's clock from the response's Date header. Our own clock plays no part.
 */
export function windowEnd(echoedBefore: string | undefined, amazonTime: Date): Date {
  const settled = amazonTime.getTime() - AMAZON_SETTLE_MS;
  const echoed = echoedBefore === undefined ? NaN : Date.parse(echoedBefore);
  return new Date(Number.isNaN(echoed) ? settled : Math.min(echoed, settled));
}
