import { sql } from 'kysely';
import { isAmazonError } from '../amazon/errors.js';
import type { SearchOrdersPage } from '../amazon/port.js';
import { loadCursor, saveCursor } from '../jobs/sync-cursors.repository.js';
import {
  addCounts,
  commitWithCursor,
  reportProgress,
  stopIfAborted,
  type DownloadContext,
} from './download-context.js';
import { choosePlan, estimateBacklog } from './download-plan.js';
import { ORDERS_STREAM, windowEnd, type OrderCursor, type WindowState } from './download-window.js';
import { nextWindowStart } from './amazon-clock.js';
import { retryDownloadProblems } from './download-problems.retry.js';
import { importSkippedCheckoutByAmazon } from './checkout-by-amazon.import.js';
import { finishReport, requestReport } from './report-phase.js';
import { downloadCustomizations, draftsOf, searchParams } from './search-pages.js';
import { needsBuyerData, type OrderDraft } from './order-draft.js';
import { OPERATIONS } from '../amazon/operations.js';

/** Amazon refused a pagination token (expired after 24 h, or not ours): the window restarts. */
class PaginationRejected extends Error {
  override name = 'PaginationRejected';
}

async function fetchPage(
  context: DownloadContext,
  window: WindowState,
  nextToken?: string,
): Promise<SearchOrdersPage> {
  try {
    return await context.port.searchOrders(searchParams(context, window, nextToken));
  } catch (err) {
    if (nextToken !== undefined && isAmazonError(err, 'invalid_request')) {
      throw new PaginationRejected(`searchOrders refused the pagination token: ${(err as Error).message}`, {
        cause: err,
      });
    }
    throw err;
  }
}

function withClock(cursor: OrderCursor, context: DownloadContext, page: SearchOrdersPage): OrderCursor {
  return { ...cursor, clockOffsetMs: page.amazonTime.getTime() - context.now().getTime() };
}

async function commitPage(
  context: DownloadContext,
  cursor: OrderCursor,
  window: WindowState,
  page: SearchOrdersPage,
) {
  const { drafts, rejected: unmappable } = draftsOf(page.orders);
  const rejected = [...page.rejectedOrders, ...unmappable];
  const customizations = await downloadCustomizations(context, drafts);
  const pages = window.pages + 1;
  // After the buyer-data pages of the report plan comes the report; after any other last page, the window is done.
  const next: WindowState | undefined = page.nextToken
    ? { ...window, nextToken: page.nextToken, pages }
    : window.phase === 'buyer-data' && window.reportId
      ? { ...window, phase: 'report', nextToken: undefined, pages }
      : undefined;
  const clocked = withClock(cursor, context, page);
  const nextCursor: OrderCursor = next
    ? { ...clocked, window: next }
    : { clockOffsetMs: clocked.clockOffsetMs, committedUntil: window.end };
  const source = `searchOrders${window.phase === 'buyer-data' ? '(buyer-data)' : ''}:${window.after}#${pages}`;
  await commitWithCursor(context, drafts, source, nextCursor, customizations, rejected);
  addCounts(context, { pages: 1 });
  await reportProgress(
    context,
    `searchOrders page ${context.counts.pages ?? 1} fetched: ${page.orders.length} orders; ${context.counts.received ?? 0} stored in this run`,
  );
  return { cursor: nextCursor, window: next, drafts };
}

/** Orders this company updated in the window-long stretch just before the window: the backlog's history. */
async function recentVolume(context: DownloadContext, after: Date, end: Date): Promise<number> {
  const length = end.getTime() - after.getTime();
  const row = await context.db
    .selectFrom('orders')
    .select(sql<number>`count(*)::int`.as('count'))
    .where('company_id', '=', context.company.id)
    .where('last_updated_at', '>=', new Date(after.getTime() - length))
    .where('last_updated_at', '<', after)
    .executeTakeFirst();
  return row?.count ?? 0;
}

async function firstPage(context: DownloadContext, cursor: OrderCursor) {
  const after = (await nextWindowStart(context, cursor)).toISOString();
  const page = await context.port.searchOrders(searchParams(context, { after, end: '', phase: 'search' }));
  // An end before the start would move the cursor back: the window then ends where it began.
  const end = new Date(
    Math.max(windowEnd(page.lastUpdatedBefore, page.amazonTime).getTime(), Date.parse(after)),
  );
  const window: WindowState = { after, end: end.toISOString(), plan: 'search', phase: 'search', pages: 0 };
  return { page, window };
}

interface State {
  cursor: OrderCursor;
  window: WindowState | undefined;
}

/**
 * Decides, after a page of the search phase that has more pages, whether the rest of the window goes
 * faster through the report: the estimate is redone on every page, so a first page that understated the
 * backlog is corrected as soon as the pages show it.
 */
async function reconsiderPlan(
  context: DownloadContext,
  state: State,
  drafts: OrderDraft[],
  history: number,
): Promise<State> {
  const window = state.window;
  if (!window || window.phase !== 'search' || window.noReport) return state;
  const estimate = estimateBacklog(
    {
      windowStart: new Date(window.after),
      windowEnd: new Date(window.end),
      lastUpdatedTimes: drafts.map((d) => d.lastUpdatedAt),
      toShip: drafts.filter(needsBuyerData).length,
      hasMore: true,
    },
    history,
  );
  // What is left after this page, against the searchOrders calls left in the burst.
  const remaining = { orders: Math.max(estimate.orders - drafts.length, 1), toShip: estimate.toShip };
  const searchTokens = Math.max(0, OPERATIONS.searchOrders.burst - (context.counts.pages ?? 0));
  const choice = choosePlan({
    ...remaining,
    searchTokens,
    reportSeconds: context.settings.reportExpectedSeconds,
  });
  if (choice.plan === 'search') return state;
  context.logger.info(
    { ...estimate, ...choice, afterPages: window.pages },
    'order download switches to the report plan',
  );
  addCounts(context, { estimatedOrders: estimate.orders, plan_report: 1 });
  // The search phase's next token is kept: should the report fail, the search goes on from there.
  const reportWindow: WindowState = {
    ...window,
    plan: 'report',
    phase: 'report',
    searchToken: window.nextToken,
    nextToken: undefined,
  };
  await saveCursor(context.db, context.company.id, ORDERS_STREAM, { ...state.cursor, window: reportWindow });
  return { cursor: { ...state.cursor, window: reportWindow }, window: reportWindow };
}

/** Opens a new window with its first page. */
async function openWindow(context: DownloadContext, cursor: OrderCursor): Promise<State> {
  const { page, window } = await firstPage(context, cursor);
  const { drafts, ...committed } = await commitPage(context, cursor, window, page);
  if (!committed.window) return committed;
  const history = await recentVolume(context, new Date(window.after), new Date(window.end));
  return reconsiderPlan(context, committed, drafts, history);
}

async function step(context: DownloadContext, cursor: OrderCursor, window: WindowState): Promise<State> {
  stopIfAborted(context);
  if (window.phase === 'report' && !window.reportId) {
    const requested = await requestReport(context, cursor, window);
    return { cursor: { ...cursor, window: requested }, window: requested };
  }
  if (window.phase === 'report') return finishReport(context, cursor, window);
  const page = await fetchPage(context, window, window.nextToken);
  const { drafts, ...committed } = await commitPage(context, cursor, window, page);
  return reconsiderPlan(context, committed, drafts, 0);
}

export interface DownloadProgress {
  /** Set when the run only finished the window an earlier run left: it did not reach the present. */
  resumed: WindowState | undefined;
}

/**
 * Downloads the company's orders updated since its cursor: one window per run, resumed where a stopped
 * run left it, committed page by page, after asking again for the orders Amazon sent malformed before
 * and for the Checkout by Amazon orders skipped before the company imported them (docs/orders.md).
 */
export async function downloadOrders(context: DownloadContext): Promise<DownloadProgress> {
  await retryDownloadProblems(context);
  await importSkippedCheckoutByAmazon(context);
  for (let restarts = 0; ; restarts++) {
    let cursor = (await loadCursor<OrderCursor>(context.db, context.company.id, ORDERS_STREAM)) ?? {};
    try {
      let state: State = cursor.window
        ? { cursor, window: cursor.window }
        : await openWindow(context, cursor);
      while (state.window) state = await step(context, state.cursor, state.window);
      addCounts(context, context.counts.plan_report ? {} : { plan_search: 1 });
      return { resumed: cursor.window };
    } catch (err) {
      if (!(err instanceof PaginationRejected) || restarts >= 1) throw err;
      context.logger.warn(
        { reason: err.message },
        'pagination token refused; restarting the window from the committed cursor',
      );
      addCounts(context, { windowRestarts: 1 });
      cursor = { ...cursor, window: undefined };
      await saveCursor(context.db, context.company.id, ORDERS_STREAM, cursor);
    }
  }
}
