import { sql } from 'kysely';
import { addCounts, type DownloadContext } from './download-context.js';
import { backfillStart, isAheadOfAmazon, windowStart, type OrderCursor } from './download-window.js';
import { ALL_ORDERS_REPORT_TYPE } from './report-rows.js';

/**
 * Amazon's current time, from the `Date` header of a cheap call (one getReports of one report: its own
 * usage plan, no searchOrders token spent). Windows are computed from it, never from our clock.
 */
export async function amazonClock(context: DownloadContext): Promise<Date> {
  const { amazonTime } = await context.port.getReports({
    reportTypes: [ALL_ORDERS_REPORT_TYPE],
    pageSize: 1,
  });
  return amazonTime;
}

async function latestStoredUpdate(context: DownloadContext): Promise<Date | null> {
  const row = await context.db
    .selectFrom('orders')
    .select(sql<Date | null>`max(last_updated_at)`.as('latest'))
    .where('company_id', '=', context.company.id)
    .executeTakeFirst();
  return row?.latest ? new Date(row.latest) : null;
}

/**
 * Where the next window starts, by Amazon's clock. A committed position ahead of Amazon's now (left by
 * a window once computed from a wrong local clock) would read nothing while the run reports success: it
 * is repaired by starting again from the newest order stored (less the overlap), or the backfill start.
 */
export async function nextWindowStart(context: DownloadContext, cursor: OrderCursor): Promise<Date> {
  const now = await amazonClock(context);
  if (!isAheadOfAmazon(cursor, now)) return windowStart(cursor, context.settings, now);
  const latest = await latestStoredUpdate(context);
  const overlap = context.settings.windowOverlapMinutes * 60_000;
  const start = new Date(
    Math.max(backfillStart(context.settings, now).getTime(), (latest?.getTime() ?? 0) - overlap),
  );
  context.logger.warn(
    {
      companyId: context.company.id,
      committedUntil: cursor.committedUntil,
      amazonTime: now.toISOString(),
      restartFrom: start.toISOString(),
    },
    'order cursor is ahead of Amazon’s clock; the window starts again from the newest stored order',
  );
  addCounts(context, { cursorRepaired: 1 });
  return start;
}
