import type { Db } from '../db/client.js';
import { acceptedRefunds } from '../refunds/refunds.settled.js';
import { formatMoney, storedMoney } from '../shared/money.js';
import { resolveDiscrepancy, upsertDiscrepancies } from './discrepancies.repository.js';

const DAY_MS = 86_400_000;

/** Whole days between Amazon accepting a refund and `now`, on the app's clock. */
export function daysSince(acceptedAt: Date, now: Date): number {
  return Math.floor((now.getTime() - acceptedAt.getTime()) / DAY_MS);
}

/**
 * A refund of ours Amazon accepted should be in the next settlement. One that no settlement has
 * confirmed `days` after it was accepted is a `refund_not_settled` discrepancy; once every component of it
 * is confirmed (a later settlement carries its MerchantAdjustmentItemIDs) the discrepancy is resolved.
 * Returns how many are open.
 */
export async function reviewUnsettledRefunds(
  db: Db,
  companyId: number,
  now: Date,
  days: number,
): Promise<number> {
  const waiting = await acceptedRefunds(db, companyId, 'not-settled');
  const overdue = waiting.filter((refund) => daysSince(refund.acceptedAt, now) >= days);
  await upsertDiscrepancies(
    db,
    overdue.map((refund) => ({
      companyId,
      settlementPk: null,
      kind: 'refund_not_settled' as const,
      key: `refund:${refund.refundId}`,
      amazonOrderId: refund.amazonOrderId,
      detail: {
        refundId: refund.refundId,
        acceptedAt: refund.acceptedAt.toISOString(),
        daysSinceAccepted: daysSince(refund.acceptedAt, now),
        unsettledAmount: refund.amount,
        currency: refund.currency,
        problem: `refund ${refund.refundId} of ${formatMoney(storedMoney(refund.amount, refund.currency), refund.currency)} ${refund.currency} accepted ${daysSince(refund.acceptedAt, now)} days ago is in no settlement yet`,
      },
    })),
  );
  const stillWaiting = new Set(waiting.map((refund) => `refund:${refund.refundId}`));
  const open = await db
    .selectFrom('settlement_discrepancies')
    .select('key')
    .where('company_id', '=', companyId)
    .where('kind', '=', 'refund_not_settled')
    .where('resolved_at', 'is', null)
    .execute();
  for (const { key } of open.filter((row) => !stillWaiting.has(row.key)))
    await resolveDiscrepancy(db, companyId, 'refund_not_settled', key, now);
  return overdue.length;
}
