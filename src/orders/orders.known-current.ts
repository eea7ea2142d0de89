import type { Db } from '../db/client.js';
import { loadCursor } from '../jobs/sync-cursors.repository.js';
import { ORDERS_STREAM, type OrderCursor } from './download-window.js';

/**
 * Until when our copy of the company's orders is known to be current, on Amazon's clock: the end of
 * the last committed download window (every order updated before it is stored), with the offset of
 * Amazon's clock from ours seen by that download. Null before the first window is committed.
 */
export async function ordersKnownCurrentUntil(
  db: Db,
  companyId: number,
): Promise<{ amazonTime: Date; clockOffsetMs: number } | null> {
  const cursor = await loadCursor<OrderCursor>(db, companyId, ORDERS_STREAM);
  if (cursor?.committedUntil === undefined) return null;
  return { amazonTime: new Date(cursor.committedUntil), clockOffsetMs: cursor.clockOffsetMs ?? 0 };
}

/**
 * How far Amazon's clock is ahead of ours (negative: behind) for the company, as its last order download
 * measured it (a page committed in a window not yet finished counts); 0 before any download.
 */
export async function amazonClockOffsetMs(db: Db, companyId: number): Promise<number> {
  return (await loadCursor<OrderCursor>(db, companyId, ORDERS_STREAM))?.clockOffsetMs ?? 0;
}
