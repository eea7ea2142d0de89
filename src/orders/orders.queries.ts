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
  limit: number;
}

/** Statuses in which a seller-fulfilled order still has to ship. */
const TO_SHIP: OrderStatus[] = ['Unshipped', 'PartiallyShipped'];

/** Orders matching the filter, newest purchase first (or soonest ship deadline first when at risk). */
export async function listOrders(db: Db, filter: OrderFilter, now = new Date()): Promise<Order[]> {
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
    .limit(filter.limit)
    .execute();
  return rows.map(toOrder);
}

export interface AtRiskOrder extends Order {
  /** Hours until the latest ship date; negative when already late. */
  hoursLeft: number;
  late: boolean;
}

/** Seller-fulfilled orders still to ship whose latest ship date has passed or falls within `hours`. */
export async function listAtRiskOrders(
  db: Db,
  companyId: number | undefined,
  hours: number,
  limit: number,
  now = new Date(),
) {
  const orders = await listOrders(db, { companyId, atRiskHours: hours, limit }, now);
  return orders.map((order): AtRiskOrder => {
    const hoursLeft = ((order.latestShipDate?.getTime() ?? now.getTime()) - now.getTime()) / 3_600_000;
    return { ...order, hoursLeft: Math.round(hoursLeft * 10) / 10, late: hoursLeft < 0 };
  });
}
