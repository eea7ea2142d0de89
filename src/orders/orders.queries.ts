import { sql } from 'kysely';
import type { Db } from '../db/client.js';
import { toOrder, type Order } from './orders.service.js';
import type { FulfillmentChannel, OrderStatus, OrderSubtype } from './orders.table.js';

export interface OrderFilter {
  companyId?: number | undefined;
  statuses?: OrderStatus[] | undefined;
  subtype?: OrderSubtype | undefined;
  fulfillmentChannel?: FulfillmentChannel | undefined;
  /** Purchase date from (inclusive) and to (exclusive). */
  from?: Date | undefined;
  to?: Date | undefined;
  onHold?: boolean | undefined;
  /** Only seller-fulfilled orders still to ship, late or due within this many hours. */
  atRiskHours?: number | undefined;
  /** How many matching orders to skip (a page further on). */
  offset?: number | undefined;
  limit: number;
}

/** Statuses in which a seller-fulfilled order still has to ship. */
const TO_SHIP: OrderStatus[] = ['Unshipped', 'PartiallyShipped'];

/** Orders matching the filter, newest purchase first (or soonest ship deadline first when at risk). */
export async function listOrders(db: Db, filter: OrderFilter, now: Date): Promise<Order[]> {
  let query = db.selectFrom('orders').selectAll();
  if (filter.companyId !== undefined) query = query.where('company_id', '=', filter.companyId);
  if (filter.statuses?.length) query = query.where('status', 'in', filter.statuses);
  if (filter.subtype !== undefined) query = query.where(sql<boolean>`${filter.subtype} = ANY(subtypes)`);
  if (filter.fulfillmentChannel !== undefined)
    query = query.where('fulfillment_channel', '=', filter.fulfillmentChannel);
  if (filter.from !== undefined) query = query.where('purchase_date', '>=', filter.from);
  if (filter.to !== undefined) query = query.where('purchase_date', '<', filter.to);
  if (filter.onHold !== undefined) query = query.where('on_hold', '=', filter.onHold);
  if (filter.atRiskHours !== undefined) {
    const horizon = new Date(now.getTime() + filter.atRiskHours * 3_600_000);
    query = query
      .where('fulfillment_channel', '=', 'MFN')
      .where('status', 'in', TO_SHIP)
      .where('latest_ship_date', '<=', horizon)
      .orderBy('latest_ship_date', 'asc');
  }
  const rows = await query
    .orderBy('purchase_date', 'desc')
    .orderBy('id', 'desc')
    .offset(filter.offset ?? 0)
    .limit(filter.limit)
    .execute();
  return rows.map(toOrder);
}

/** Why an order is at risk: its latest ship date is close, or a buyer's cancellation request is unanswered. */
export type AtRiskReason = 'ship-by' | 'cancel-request';

export interface AtRiskOrder extends Order {
  risk: AtRiskReason;
  /** Hours until the deadline (the latest ship date, or the request's respond-by); negative when past. */
  hoursLeft: number;
  late: boolean;
}

/** An unanswered buyer cancellation request is at risk this many hours before its respond-by deadline. */
export const CANCEL_REQUEST_AT_RISK_HOURS = 12;

function hoursUntil(deadline: Date | null, now: Date): number {
  const hours = ((deadline?.getTime() ?? now.getTime()) - now.getTime()) / 3_600_000;
  return Math.round(hours * 10) / 10;
}

/**
 * Orders whose buyer asked to cancel and the seller has not answered, within
 * CANCEL_REQUEST_AT_RISK_HOURS of the respond-by deadline (request time + 48 h) or past it, soonest first.
 */
export async function listCancelRequestsAtRisk(
  db: Db,
  companyId: number | undefined,
  limit: number,
  now: Date,
): Promise<AtRiskOrder[]> {
  let query = db
    .selectFrom('orders')
    .selectAll()
    .where('cancel_request_state', '=', 'requested')
    .where('status', 'in', ['Pending', ...TO_SHIP])
    .where('cancel_respond_by', '<=', new Date(now.getTime() + CANCEL_REQUEST_AT_RISK_HOURS * 3_600_000));
  if (companyId !== undefined) query = query.where('company_id', '=', companyId);
  const rows = await query.orderBy('cancel_respond_by', 'asc').orderBy('id').limit(limit).execute();
  return rows.map((row) => {
    const hoursLeft = hoursUntil(row.cancel_respond_by, now);
    return { ...toOrder(row), risk: 'cancel-request', hoursLeft, late: hoursLeft < 0 };
  });
}

/**
 * Orders at risk, soonest deadline first: seller-fulfilled orders still to ship whose latest ship date
 * has passed or falls within `hours`, and unanswered buyer cancellation requests close to their
 * respond-by deadline (listCancelRequestsAtRisk).
 */
export async function listAtRiskOrders(
  db: Db,
  companyId: number | undefined,
  hours: number,
  limit: number,
  now: Date,
): Promise<AtRiskOrder[]> {
  const orders = await listOrders(db, { companyId, atRiskHours: hours, limit }, now);
  const late = orders.map((order): AtRiskOrder => {
    const hoursLeft = hoursUntil(order.latestShipDate, now);
    return { ...order, risk: 'ship-by', hoursLeft, late: hoursLeft < 0 };
  });
  const requests = await listCancelRequestsAtRisk(db, companyId, limit, now);
  return [...late, ...requests].sort((a, b) => a.hoursLeft - b.hoursLeft).slice(0, limit);
}

/** How many orders each company has stored, per status (for monitoring). */
export async function countOrdersByStatus(
  db: Db,
): Promise<{ companyId: number; status: OrderStatus; count: number }[]> {
  const rows = await db
    .selectFrom('orders')
    .select(['company_id', 'status', (eb) => eb.fn.countAll<string>().as('count')])
    .groupBy(['company_id', 'status'])
    .execute();
  return rows.map((row) => ({ companyId: row.company_id, status: row.status, count: Number(row.count) }));
}
