import { sql } from 'kysely';
import type { Db, Tx } from '../db/client.js';
import { storedAmazonOrderIds } from '../orders/orders.settled.js';
import { refreshPaymentStatus } from '../refunds/payment-status.refresh.js';
import { confirmSettledRefunds } from '../refunds/refunds.settled.js';
import { upsertDiscrepancies, upsertDiscrepancy } from './discrepancies.repository.js';
import { checkSettledAmounts } from './settled-amounts.check.js';
import { confirmReportedTransactions } from './finance-transactions.repository.js';

/**
 * Reconciles one ingested settlement with the orders: its refund lines become one settlement refund per
 * refunded line (who initiated it, what was given back, the commission returned, the refund
 * administration fee against Amazon's rule), ours are confirmed by their MerchantAdjustmentItemID, and
 * fee anomalies, orders never downloaded and items settled for other amounts than the order's are
 * listed as discrepancies. Safe to run again.
 */

/** The refund administration fee cap per currency (Seller Central help GDC3U6FWF4JJJJC7). */
export const ADMIN_FEE_CAPS: Record<string, string> = { USD: '5', EUR: '5', GBP: '5', BRL: '10', AED: '15' };

const capCase = sql.raw(
  `CASE s.currency ${Object.entries(ADMIN_FEE_CAPS)
    .map(([currency, cap]) => `WHEN '${currency}' THEN ${cap}`)
    .join(' ')} END`,
);

const TAXES = "'Tax', 'ShippingTax', 'GiftWrapTax'";

const amountWhere = (condition: string) => sql.raw(`coalesce(sum(l.amount) FILTER (WHERE ${condition}), 0)`);

/** Refund lines (Refund, Chargeback Refund, A-to-z Guarantee Refund, …) grouped per refunded line. */
async function writeRefunds(db: Db | Tx, settlementPk: number): Promise<void> {
  await sql`
    INSERT INTO settlement_refunds AS r (
      settlement_pk, amazon_order_id, refund_key, transaction_type, order_item_code, adjustment_id,
      merchant_adjustment_item_id, posted_at, initiated_by, principal, tax, shipping, promotions, other,
      commission_refunded, admin_fee, expected_admin_fee, admin_fee_cap)
    SELECT g.settlement_pk, g.order_id, g.refund_key, g.transaction_type, g.order_item_code, g.adjustment_id,
           g.merchant_adjustment_item_id, g.posted_at, g.initiated_by, g.principal, g.tax, g.shipping,
           g.promotions, g.other, g.commission_refunded, g.admin_fee, -CASE WHEN g.cap IS NULL THEN round(g.commission_refunded * 0.2, 2)
                      ELSE least(g.cap, round(g.commission_refunded * 0.2, 2)) END, g.cap
    FROM (
      SELECT l.settlement_pk, l.order_id,
             concat_ws('/', coalesce(l.merchant_adjustment_item_id, l.adjustment_id, ''), coalesce(l.order_item_code, ''), coalesce(l.posted_raw, '')) AS refund_key,
             min(l.transaction_type) AS transaction_type, l.order_item_code, min(l.adjustment_id) AS adjustment_id,
             l.merchant_adjustment_item_id, min(l.posted_at) AS posted_at,
             CASE WHEN l.merchant_adjustment_item_id IS NULL THEN 'amazon' ELSE 'seller' END AS initiated_by,
             ${amountWhere("l.amount_type = 'ItemPrice' AND l.amount_description = 'Principal'")} AS principal,
             ${amountWhere(`l.amount_type = 'ItemPrice' AND l.amount_description IN (${TAXES})`)} AS tax,
             ${amountWhere("l.amount_type = 'ItemPrice' AND l.amount_description = 'Shipping'")} AS shipping,
             ${amountWhere("l.amount_type = 'Promotion'")} AS promotions,
             ${amountWhere(`NOT (l.amount_type = 'ItemPrice' AND l.amount_description IN ('Principal', 'Shipping', ${TAXES})) AND l.amount_type <> 'Promotion' AND NOT (l.amount_type = 'ItemFees' AND l.amount_description IN ('Commission', 'RefundCommission'))`)} AS other,
             ${amountWhere("l.amount_type = 'ItemFees' AND l.amount_description = 'Commission'")} AS commission_refunded,
             ${amountWhere("l.amount_type = 'ItemFees' AND l.amount_description = 'RefundCommission'")} AS admin_fee,
             (${capCase})::numeric AS cap
      FROM settlement_lines l JOIN settlements s ON s.id = l.settlement_pk
      WHERE l.settlement_pk = ${settlementPk} AND l.order_id IS NOT NULL AND l.transaction_type ILIKE '%refund'
      GROUP BY l.settlement_pk, l.order_id, refund_key, l.order_item_code, l.merchant_adjustment_item_id, s.currency
    ) g
    ON CONFLICT (settlement_pk, amazon_order_id, refund_key) DO UPDATE SET
      principal = excluded.principal, tax = excluded.tax, shipping = excluded.shipping,
      promotions = excluded.promotions, other = excluded.other,
      commission_refunded = excluded.commission_refunded, admin_fee = excluded.admin_fee,
      expected_admin_fee = excluded.expected_admin_fee, admin_fee_cap = excluded.admin_fee_cap`.execute(db);
}

interface RefundCheck {
  amazon_order_id: string;
  refund_key: string;
  merchant_adjustment_item_id: string | null;
  commission_refunded: string;
  admin_fee: string;
  expected_admin_fee: string;
  admin_fee_cap: string | null;
  principal: string;
  commission_charged: string | null;
  first_line: number;
}

async function refundChecks(db: Db | Tx, companyId: number, settlementPk: number): Promise<RefundCheck[]> {
  const { rows } = await sql<RefundCheck>`
    SELECT r.amazon_order_id, r.refund_key, r.merchant_adjustment_item_id, r.commission_refunded::text,
           r.admin_fee::text, r.expected_admin_fee::text, r.admin_fee_cap::text, r.principal::text,
           (SELECT sum(c.amount)::text FROM settlement_lines c JOIN settlements cs ON cs.id = c.settlement_pk
             WHERE cs.company_id = ${companyId} AND c.order_id = r.amazon_order_id
               AND c.order_item_code IS NOT DISTINCT FROM r.order_item_code AND c.transaction_type = 'Order'
               AND c.amount_type = 'ItemFees' AND c.amount_description = 'Commission') AS commission_charged,
           (SELECT min(l.line) FROM settlement_lines l WHERE l.settlement_pk = r.settlement_pk
             AND l.order_id = r.amazon_order_id
             AND l.merchant_adjustment_item_id IS NOT DISTINCT FROM r.merchant_adjustment_item_id) AS first_line
    FROM settlement_refunds r WHERE r.settlement_pk = ${settlementPk}`.execute(db);
  return rows;
}

function feeProblem(check: RefundCheck): string | null {
  const fee = Number(check.admin_fee);
  const expected = Number(check.expected_admin_fee);
  if (check.admin_fee_cap === null) {
    // Without a known cap only the 20 % bound can be checked.
    return -fee > -expected + 0.005
      ? 'the refund administration fee is more than 20 % of the commission refunded'
      : null;
  }
  if (Math.abs(fee - expected) < 0.005) return null;
  return fee === 0
    ? 'no refund administration fee was charged (right only for books, music, video and DVD refunded in full)'
    : 'the refund administration fee is not the lesser of the cap and 20 % of the commission refunded';
}

function commissionProblem(check: RefundCheck): string | null {
  const refunded = Number(check.commission_refunded);
  const charged = check.commission_charged === null ? null : -Number(check.commission_charged);
  if (charged !== null && refunded > charged + 0.005)
    return 'more commission was refunded than the sale was charged';
  if (refunded === 0 && Number(check.principal) < 0 && (charged ?? 0) > 0)
    return 'the principal was refunded but no commission was given back';
  return null;
}

export interface ReconcileCounts {
  refunds: number;
  amazon_refunds: number;
  refunds_confirmed: number;
  fee_anomalies: number;
  unknown_orders: number;
  amounts_differ: number;
}

/** The orders this settlement has sale lines for. */
async function soldOrderIds(db: Db, settlementPk: number): Promise<string[]> {
  const sold = await db
    .selectFrom('settlement_lines')
    .select('order_id')
    .distinct()
    .where('settlement_pk', '=', settlementPk)
    .where('transaction_type', '=', 'Order')
    .where('order_id', 'is not', null)
    .execute();
  return sold.map((row) => row.order_id as string);
}

async function flagUnknownOrders(
  db: Db,
  companyId: number,
  settlementPk: number,
  settlementId: string,
  ids: string[],
) {
  let unknown = 0;
  for (let start = 0; start < ids.length; start += 1000) {
    const chunk = ids.slice(start, start + 1000);
    const stored = await storedAmazonOrderIds(db, companyId, chunk);
    const strangers = chunk.filter((id) => !stored.has(id));
    unknown += strangers.length;
    await upsertDiscrepancies(
      db,
      strangers.map((amazonOrderId) => ({
        companyId,
        settlementPk,
        kind: 'unknown_order' as const,
        key: amazonOrderId,
        amazonOrderId,
        detail: {
          settlementId,
          note: 'sale lines for an order never downloaded; it is fetched with getOrder',
        },
      })),
    );
  }
  return unknown;
}

export async function reconcileSettlement(
  db: Db,
  companyId: number,
  settlementPk: number,
  now: Date,
): Promise<ReconcileCounts> {
  const settlement = await db
    .selectFrom('settlements')
    .select(['settlement_id'])
    .where('id', '=', settlementPk)
    .executeTakeFirstOrThrow();
  const counts: ReconcileCounts = {
    refunds: 0,
    amazon_refunds: 0,
    refunds_confirmed: 0,
    fee_anomalies: 0,
    unknown_orders: 0,
    amounts_differ: 0,
  };
  // The settlement's refunds, their match with ours and the payment status they leave land together.
  const checks = await db.transaction().execute(async (tx) => {
    await writeRefunds(tx, settlementPk);
    await confirmReportedTransactions(tx, companyId, settlementPk);
    const found = await refundChecks(tx, companyId, settlementPk);
    const ours = found.filter((check) => check.merchant_adjustment_item_id !== null);
    counts.refunds = found.length;
    counts.amazon_refunds = found.length - ours.length;
    const matched = await confirmSettledRefunds(
      tx,
      companyId,
      ours.map((check) => ({
        merchantAdjustmentItemId: check.merchant_adjustment_item_id as string,
        settlementLineRef: `${settlement.settlement_id}:${check.first_line}`,
      })),
    );
    for (const [merchantAdjustmentItemId, refundId] of matched)
      await tx
        .updateTable('settlement_refunds')
        .set({ matched_refund_id: refundId })
        .where('settlement_pk', '=', settlementPk)
        .where('merchant_adjustment_item_id', '=', merchantAdjustmentItemId)
        .execute();
    counts.refunds_confirmed = matched.size;
    await refreshPaymentStatus(
      tx,
      companyId,
      found.map((check) => check.amazon_order_id),
    );
    return found;
  });
  for (const check of checks) {
    const detail = {
      settlementId: settlement.settlement_id,
      commissionRefunded: check.commission_refunded,
      commissionCharged: check.commission_charged,
      adminFee: check.admin_fee,
      expectedAdminFee: check.expected_admin_fee,
      cap: check.admin_fee_cap,
    };
    const key = `${settlement.settlement_id}:${check.amazon_order_id}:${check.refund_key}`;
    const fee = feeProblem(check);
    if (fee) {
      counts.fee_anomalies += 1;
      await upsertDiscrepancy(db, {
        companyId,
        settlementPk,
        kind: 'refund_admin_fee',
        key,
        amazonOrderId: check.amazon_order_id,
        detail: { ...detail, problem: fee },
      });
    }
    const commission = commissionProblem(check);
    if (commission) {
      counts.fee_anomalies += 1;
      await upsertDiscrepancy(db, {
        companyId,
        settlementPk,
        kind: 'commission_refund',
        key,
        amazonOrderId: check.amazon_order_id,
        detail: { ...detail, problem: commission },
      });
    }
  }
  const sold = await soldOrderIds(db, settlementPk);
  counts.unknown_orders = await flagUnknownOrders(
    db,
    companyId,
    settlementPk,
    settlement.settlement_id,
    sold,
  );
  counts.amounts_differ = await checkSettledAmounts(db, companyId, sold, now);
  return counts;
}
