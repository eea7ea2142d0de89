import { OPERATIONS } from '../amazon/operations.js';

/**
 * Which way a window's orders are fetched, chosen by the time Amazon's usage plans impose on each
 * (docs/orders.md, "Choosing the plan"):
 * - search: searchOrders pages of 100 orders, items and buyer data included;
 * - report: the all-orders flat-file report by last update, then searchOrders only for the seller-fulfilled
 *   orders still to ship (the ones that need buyer and recipient data).
 */
export type DownloadPlan = 'search' | 'report';

export const PAGE_SIZE = 100;

export interface UsagePlan {
  rate: number;
  burst: number;
}

export interface PlanInputs {
  /** Orders expected in the window (an estimate; see estimateBacklog). */
  orders: number;
  /** Of those, seller-fulfilled orders still to ship. */
  toShip: number;
  /** searchOrders calls that can go out at once before the rate applies. */
  searchTokens: number;
  /** How long Amazon takes to produce the report, in seconds. */
  reportSeconds: number;
  searchPlan?: UsagePlan;
  reportCallPlans?: UsagePlan[];
}

/** Seconds Amazon's token bucket makes `calls` calls take when `tokens` are available at the start. */
export function callsFloorSeconds(calls: number, tokens: number, plan: UsagePlan): number {
  return Math.max(0, calls - Math.max(0, tokens)) / plan.rate;
}

function searchPlanOf(inputs: PlanInputs): UsagePlan {
  return inputs.searchPlan ?? OPERATIONS.searchOrders;
}

export function searchFloorSeconds(inputs: PlanInputs): number {
  return callsFloorSeconds(Math.ceil(inputs.orders / PAGE_SIZE), inputs.searchTokens, searchPlanOf(inputs));
}

export function reportFloorSeconds(inputs: PlanInputs): number {
  // createReport, getReportDocument: one call each, within their bursts.
  const reportCalls = (
    inputs.reportCallPlans ?? [OPERATIONS.createReport, OPERATIONS.getReportDocument]
  ).reduce((sum, plan) => sum + callsFloorSeconds(1, plan.burst, plan), 0);
  const buyerDataPages = Math.ceil(inputs.toShip / PAGE_SIZE);
  // The buyer-data pages are read while Amazon produces the report.
  const buyerData = callsFloorSeconds(buyerDataPages, inputs.searchTokens, searchPlanOf(inputs));
  return reportCalls + Math.max(inputs.reportSeconds, buyerData);
}

export interface PlanChoice {
  plan: DownloadPlan;
  searchFloorSeconds: number;
  reportFloorSeconds: number;
}

/** The plan with the lower floor; searchOrders on a tie (fewer moving parts, complete data). */
export function choosePlan(inputs: PlanInputs): PlanChoice {
  const search = searchFloorSeconds(inputs);
  const report = reportFloorSeconds(inputs);
  return {
    plan: report < search ? 'report' : 'search',
    searchFloorSeconds: search,
    reportFloorSeconds: report,
  };
}

export interface FirstPage {
  windowStart: Date;
  windowEnd: Date;
  lastUpdatedTimes: Date[];
  toShip: number;
  hasMore: boolean;
}

/**
 * Estimates a window's orders from its first page. When the page comes in last-update order (as
 * searchOrders returns it), the rate of updates across the page, carried to the window's end, gives the
 * rest; otherwise the page proves only that there are more, and `history` (orders this company updated
 * in a window as long, just before) is the guess.
 */
export function estimateBacklog(page: FirstPage, history: number): { orders: number; toShip: number } {
  const count = page.lastUpdatedTimes.length;
  if (!page.hasMore || count === 0) return { orders: count, toShip: page.toShip };
  const times = page.lastUpdatedTimes.map((t) => t.getTime());
  const sorted = times.every((t, i) => i === 0 || (times[i - 1] ?? t) <= t);
  const first = times[0] ?? 0;
  const last = times[count - 1] ?? 0;
  // A page whose orders share one second still says "at least this dense": count them over a second.
  const span = Math.max(last - first, 1_000);
  const byRate = sorted
    ? count + Math.ceil(((count - 1) * Math.max(page.windowEnd.getTime() - last, 0)) / span)
    : 0;
  const orders = Math.max(count + 1, byRate, history);
  return { orders, toShip: Math.ceil((page.toShip / count) * orders) };
}
