import { sql } from 'kysely';
import type { Db } from '../db/client.js';
import { CANCEL_REQUEST_AT_RISK_HOURS, listCancelRequestsAtRisk } from '../orders/orders.queries.js';
import { CARRIER_CODES, trackingProblem } from './carriers.js';

/**
 * Seller performance figures Amazon judges seller-fulfilled orders by (REFERENCE.md §9), over the
 * windows Account Health uses: late shipment rate over 10 and 30 days, valid tracking rate over 30 days,
 * each ending at `now` (a past `now` gives the figures as they stood then, for the console's charts).
 */
export const LATE_SHIPMENT_RATE_TARGET = 0.04;
export const VALID_TRACKING_RATE_TARGET = 0.95;
const LSR_WINDOWS_DAYS = [10, 30] as const;
const VTR_WINDOW_DAYS = 30;

export interface RateFigure {
  windowDays: number;
  numerator: number;
  denominator: number;
  /** null when there is nothing to measure in the window. */
  rate: number | null;
  target: number;
  meetsTarget: boolean | null;
}

export interface OrderAtRisk {
  amazonOrderId: string;
  latestShipDate: Date;
  hoursLeft: number;
  status: string;
  shipmentsAwaitingConfirmation: number;
}

export interface MarketplaceMetrics {
  marketplaceId: string;
  lateShipmentRate: RateFigure[];
  validTrackingRate: RateFigure;
  atRisk: OrderAtRisk[];
  /** Buyer cancellation requests unanswered within 12 h of their respond-by deadline, or past it. */
  cancelRequestsAtRisk: { count: number; withinHours: number };
}

function figure(
  windowDays: number,
  numerator: number,
  denominator: number,
  target: number,
  atMost: boolean,
): RateFigure {
  const rate = denominator === 0 ? null : numerator / denominator;
  const meetsTarget = rate === null ? null : atMost ? rate < target : rate >= target;
  return { windowDays, numerator, denominator, rate, target, meetsTarget };
}

/** Per marketplace: orders confirmed in the window, and how many of them after their latest ship date. */
async function lateShipments(db: Db, companyId: number, days: number, now: Date) {
  const rows = await sql<{ marketplace_id: string; confirmed: number; late: number }>`
    SELECT o.marketplace_id, count(*)::int AS confirmed,
           count(*) FILTER (WHERE c.first_confirmed_at > o.latest_ship_date)::int AS late
    FROM orders o
    JOIN (SELECT order_id, min(confirmed_at) AS first_confirmed_at FROM shipments
          WHERE company_id = ${companyId} AND state = 'confirmed' GROUP BY order_id) c ON c.order_id = o.id
    WHERE o.company_id = ${companyId} AND o.fulfillment_channel = 'MFN' AND o.latest_ship_date IS NOT NULL
      AND c.first_confirmed_at > ${now}::timestamptz - make_interval(days => ${days})
      AND c.first_confirmed_at <= ${now}::timestamptz
    GROUP BY o.marketplace_id
  `.execute(db);
  return rows.rows;
}

async function confirmedTracking(db: Db, companyId: number, now: Date) {
  return db
    .selectFrom('shipments')
    .select(['marketplace_id', 'carrier_code', 'tracking_number'])
    .where('company_id', '=', companyId)
    .where('state', '=', 'confirmed')
    .where('confirmed_at', '>', new Date(now.getTime() - VTR_WINDOW_DAYS * 86_400_000))
    .where('confirmed_at', '<=', now)
    .execute();
}

async function ordersAtRisk(db: Db, companyId: number, atRiskHours: number, now: Date) {
  const rows = await sql<{
    marketplace_id: string;
    amazon_order_id: string;
    latest_ship_date: Date;
    status: string;
    awaiting: number;
  }>`
    SELECT o.marketplace_id, o.amazon_order_id, o.latest_ship_date, o.status,
           (SELECT count(*)::int FROM shipments s WHERE s.order_id = o.id AND s.state IN ('pending_upload', 'uploading')) AS awaiting
    FROM orders o
    WHERE o.company_id = ${companyId} AND o.fulfillment_channel = 'MFN' AND o.status IN ('Unshipped', 'PartiallyShipped')
      AND o.latest_ship_date < ${now}::timestamptz + make_interval(hours => ${atRiskHours})
    ORDER BY o.latest_ship_date
  `.execute(db);
  return rows.rows;
}

/** A confirmed package counts as validly tracked when its carrier is one Amazon knows and the number has its shape. */
function isValidTracking(carrierCode: string, tracking: string): boolean {
  return (
    carrierCode !== 'Other' &&
    (CARRIER_CODES as readonly string[]).includes(carrierCode) &&
    trackingProblem(carrierCode, tracking) === null
  );
}

/** `atRiskHours`: an open order is at risk when its latest ship date is this close, or past. */
export async function fulfillmentMetrics(
  db: Db,
  companyId: number,
  marketplaceIds: string[],
  atRiskHours: number,
  now: Date,
): Promise<MarketplaceMetrics[]> {
  const late = await Promise.all(LSR_WINDOWS_DAYS.map((days) => lateShipments(db, companyId, days, now)));
  const tracking = await confirmedTracking(db, companyId, now);
  const atRisk = await ordersAtRisk(db, companyId, atRiskHours, now);
  const requests = await listCancelRequestsAtRisk(db, companyId, 100_000, now);
  const marketplaces = new Set([
    ...marketplaceIds,
    ...tracking.map((t) => t.marketplace_id),
    ...atRisk.map((r) => r.marketplace_id),
    ...requests.flatMap((r) => (r.marketplaceId ? [r.marketplaceId] : [])),
  ]);
  return [...marketplaces]
    .filter(Boolean)
    .sort()
    .map((marketplaceId) => {
      const packages = tracking.filter((t) => t.marketplace_id === marketplaceId);
      const valid = packages.filter((t) => isValidTracking(t.carrier_code, t.tracking_number)).length;
      return {
        marketplaceId,
        lateShipmentRate: LSR_WINDOWS_DAYS.map((days, i) => {
          const row = late[i]?.find((r) => r.marketplace_id === marketplaceId);
          return figure(days, row?.late ?? 0, row?.confirmed ?? 0, LATE_SHIPMENT_RATE_TARGET, true);
        }),
        validTrackingRate: figure(VTR_WINDOW_DAYS, valid, packages.length, VALID_TRACKING_RATE_TARGET, false),
        atRisk: atRisk
          .filter((r) => r.marketplace_id === marketplaceId)
          .map((r) => ({
            amazonOrderId: r.amazon_order_id,
            latestShipDate: r.latest_ship_date,
            hoursLeft: Math.round((r.latest_ship_date.getTime() - now.getTime()) / 360_000) / 10,
            status: r.status,
            shipmentsAwaitingConfirmation: r.awaiting,
          })),
        cancelRequestsAtRisk: {
          count: requests.filter((r) => r.marketplaceId === marketplaceId).length,
          withinHours: CANCEL_REQUEST_AT_RISK_HOURS,
        },
      };
    });
}
