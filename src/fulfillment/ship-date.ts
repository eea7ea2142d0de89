import type { Db } from '../db/client.js';
import { amazonClockOffsetMs } from '../orders/orders.known-current.js';
import type { ShippableOrder } from '../orders/orders.shipping.js';
import { UsageError } from '../shared/errors.js';
import { SHIP_NOW } from './shipment-input.js';

/** A ship date this far ahead of the clock it is checked against is still "now" (clocks drift). */
const SHIP_DATE_TOLERANCE_MS = 5 * 60_000;

/**
 * The ship date of a package shipped "now": Amazon's now (our clock plus the offset the company's last
 * order download measured), because Amazon compares the ship date with its own purchase date. Our now
 * would land before the purchase of an order placed less than the skew ago while Amazon's clock is ahead.
 */
async function shipDateForNow(db: Db, companyId: number, now: Date): Promise<Date> {
  return new Date(now.getTime() + (await amazonClockOffsetMs(db, companyId)));
}

/**
 * The ship date to store and send, and the clock "in the future" is judged against: for `now`, Amazon's
 * now on both counts; an instant the operator gave is kept as it is and judged against our clock.
 */
export async function resolveShipDate(
  db: Db,
  companyId: number,
  given: Date | typeof SHIP_NOW,
  now: Date,
): Promise<{ shipDate: Date; judgedAt: Date }> {
  if (given !== SHIP_NOW) return { shipDate: given, judgedAt: now };
  const amazonNow = await shipDateForNow(db, companyId, now);
  return { shipDate: amazonNow, judgedAt: amazonNow };
}

export function checkShipDate(order: ShippableOrder, shipDate: Date, judgedAt: Date): void {
  if (shipDate.getTime() > judgedAt.getTime() + SHIP_DATE_TOLERANCE_MS) {
    throw new UsageError(`ship date ${shipDate.toISOString()} is in the future`);
  }
  if (shipDate < order.purchaseDate) {
    // Only a clock behind Amazon's sees a purchase in its future.
    const hint =
      order.purchaseDate > judgedAt
        ? `; Amazon's clock is ahead of ours: give now as the ship date (or none) to ship at Amazon's now`
        : '';
    throw new UsageError(
      `ship date ${shipDate.toISOString()} is before the purchase date ${order.purchaseDate.toISOString()}${hint}`,
    );
  }
}
