import { AmazonResponseError, isAmazonError } from '../amazon/errors.js';
import type { Db } from '../db/client.js';
import type { DownloadContext } from '../orders/download-context.js';
import { fetchAndStoreOrder } from '../orders/orders.settled.js';
import { resolveDiscrepancy, upsertDiscrepancy } from './discrepancies.repository.js';
import { checkSettledAmounts } from './settled-amounts.check.js';

/** Orders fetched per run: well within getOrder's burst, so a settlement full of strangers takes a few runs. */
export const UNKNOWN_ORDERS_PER_RUN = 10;

/** Amazon settles about every 14 days: no settlement for longer than this means one is missing. */
export const SETTLEMENT_GAP_DAYS = 16;

/**
 * Orders a settlement sold that were never downloaded are fetched with getOrder and stored through the
 * orders' own merge; each one stored resolves its discrepancy, and its settled amounts are compared with
 * its own. Returns how many were stored.
 */
export async function fetchUnknownOrders(download: DownloadContext): Promise<number> {
  const companyId = download.company.id;
  const open = await download.db
    .selectFrom('settlement_discrepancies')
    .select(['amazon_order_id', 'detail'])
    .where('company_id', '=', companyId)
    .where('kind', '=', 'unknown_order')
    .where('resolved_at', 'is', null)
    .orderBy('found_at')
    .orderBy('id')
    .limit(UNKNOWN_ORDERS_PER_RUN)
    .execute();
  let stored = 0;
  for (const row of open) {
    const amazonOrderId = row.amazon_order_id ?? '';
    const settlementId = String(row.detail.settlementId ?? '');
    try {
      if (await fetchAndStoreOrder(download, amazonOrderId, `getOrder(settlement):${settlementId}`)) {
        await resolveDiscrepancy(download.db, companyId, 'unknown_order', amazonOrderId, download.now());
        await checkSettledAmounts(download.db, companyId, [amazonOrderId], download.now());
        stored += 1;
      }
    } catch (err) {
      if (!(err instanceof AmazonResponseError) && !isAmazonError(err, 'not_found')) throw err;
      download.logger.warn(
        { amazonOrderId, reason: (err as Error).message },
        'settled order could not be fetched',
      );
    }
  }
  return stored;
}

/** Flags the company's settlements as missing a period when the newest ended too long ago by Amazon's clock. */
export async function checkSettlementGap(db: Db, companyId: number, amazonTime: Date): Promise<boolean> {
  const latest = await db
    .selectFrom('settlements')
    .select((eb) => eb.fn.max('end_at').as('end_at'))
    .where('company_id', '=', companyId)
    .where('state', '=', 'complete')
    .executeTakeFirst();
  const endAt = latest?.end_at ?? null;
  if (endAt === null) return false;
  const gapDays = (amazonTime.getTime() - new Date(endAt).getTime()) / 86_400_000;
  if (gapDays <= SETTLEMENT_GAP_DAYS) {
    await resolveDiscrepancy(db, companyId, 'settlement_period_missing', 'latest', amazonTime);
    return false;
  }
  await upsertDiscrepancy(db, {
    companyId,
    settlementPk: null,
    kind: 'settlement_period_missing',
    key: 'latest',
    amazonOrderId: null,
    detail: { lastSettlementEnd: new Date(endAt).toISOString(), daysWithout: Math.floor(gapDays) },
  });
  return true;
}
