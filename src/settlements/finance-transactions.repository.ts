import { sql } from 'kysely';
import type { Db, Tx } from '../db/client.js';
import { storedAmazonOrderIds } from '../orders/orders.settled.js';
import { refreshPaymentStatus } from '../refunds/payment-status.refresh.js';
import { acceptedRefunds } from '../refunds/refunds.settled.js';
import { storedMoney } from '../shared/money.js';
import type { TransactionFacts } from './finance-transactions.facts.js';
import type { FinanceTransactionRow } from './finance-transactions.table.js';

/** Orders that already have sale lines in a settlement: their shipment's payment is no open question. */
async function settledSales(db: Db | Tx, companyId: number, amazonOrderIds: string[]): Promise<Set<string>> {
  if (amazonOrderIds.length === 0) return new Set();
  const { rows } = await sql<{ order_id: string }>`
    SELECT DISTINCT l.order_id FROM settlement_lines l JOIN settlements s ON s.id = l.settlement_pk
    WHERE s.company_id = ${companyId} AND l.transaction_type = 'Order'
      AND l.order_id = ANY(${amazonOrderIds}::text[])`.execute(db);
  return new Set(rows.map((row) => row.order_id));
}

/** Which of our accepted refunds each reported refund is: same order, same amount given back, not taken. */
async function attributeRefunds(tx: Tx, companyId: number, refunds: TransactionFacts[]) {
  const ours = await acceptedRefunds(tx, companyId, {
    amazonOrderIds: [...new Set(refunds.map((r) => r.amazonOrderId))],
  });
  const taken = await tx
    .selectFrom('finance_transactions')
    .select(['matched_refund_id', 'transaction_id'])
    .where('company_id', '=', companyId)
    .where('matched_refund_id', 'is not', null)
    .execute();
  const owner = new Map(taken.map((row) => [Number(row.matched_refund_id), row.transaction_id]));
  const matched = new Map<string, number>();
  for (const refund of refunds) {
    const known = ours.find((our) => owner.get(our.refundId) === refund.transactionId);
    const mine =
      known ??
      ours.find(
        (our) =>
          our.amazonOrderId === refund.amazonOrderId &&
          !owner.has(our.refundId) &&
          storedMoney(our.amount, refund.currency) === storedMoney(refund.givenBack, refund.currency),
      );
    if (!mine) continue;
    owner.set(mine.refundId, refund.transactionId);
    matched.set(refund.transactionId, mine.refundId);
  }
  return matched;
}

/**
 * Stores the transactions of orders with open questions: every refund of an order we have, and the
 * shipment payments of orders no settlement has paid yet. A transaction read again updates its status;
 * a refund a settlement already carried (same order and adjustment id) is stored as confirmed by it.
 * Returns the transactions stored.
 */
export async function storeTransactions(
  tx: Tx,
  companyId: number,
  facts: TransactionFacts[],
  now: Date,
): Promise<TransactionFacts[]> {
  const orderIds = [...new Set(facts.map((fact) => fact.amazonOrderId))];
  const stored = await storedAmazonOrderIds(tx, companyId, orderIds);
  const settled = await settledSales(tx, companyId, orderIds);
  const kept = facts.filter(
    (fact) =>
      stored.has(fact.amazonOrderId) &&
      (fact.transactionType === 'Refund' || !settled.has(fact.amazonOrderId)),
  );
  if (kept.length === 0) return [];
  const refunds = kept.filter((fact) => fact.transactionType === 'Refund');
  const matched = await attributeRefunds(tx, companyId, refunds);
  await tx
    .insertInto('finance_transactions')
    .values(
      kept.map((fact) => ({
        company_id: companyId,
        transaction_id: fact.transactionId,
        amazon_order_id: fact.amazonOrderId,
        transaction_type: fact.transactionType,
        transaction_status: fact.transactionStatus,
        description: fact.description,
        posted_at: fact.postedAt,
        total_amount: fact.totalAmount,
        given_back: fact.givenBack,
        currency: fact.currency,
        refund_id: fact.refundId,
        shipment_id: fact.shipmentId,
        maturity_at: fact.maturityAt,
        initiated_by:
          fact.transactionType === 'Refund' ? (matched.has(fact.transactionId) ? 'seller' : 'amazon') : null,
        matched_refund_id: matched.get(fact.transactionId) ?? null,
        raw: JSON.stringify(fact),
        refunded_items: JSON.stringify(fact.refundedItems),
        first_seen_at: now,
        updated_at: now,
      })),
    )
    .onConflict((conflict) =>
      conflict.columns(['company_id', 'transaction_id']).doUpdateSet((eb) => ({
        transaction_status: eb.ref('excluded.transaction_status'),
        maturity_at: eb.ref('excluded.maturity_at'),
        total_amount: eb.ref('excluded.total_amount'),
        given_back: eb.ref('excluded.given_back'),
        raw: eb.ref('excluded.raw'),
        refunded_items: eb.ref('excluded.refunded_items'),
        updated_at: eb.ref('excluded.updated_at'),
      })),
    )
    .execute();
  await confirmReportedTransactions(tx, companyId, null);
  // An Amazon refund reported here counts in the order's payment status days before its settlement.
  if (refunds.length > 0)
    await refreshPaymentStatus(
      tx,
      companyId,
      refunds.map((refund) => refund.amazonOrderId),
    );
  return kept;
}

/**
 * A settlement confirms what the Finances API reported earlier: a refund by its refund rows (same order,
 * the settlement's adjustment-id being the transaction's REFUND_ID), a shipment's payment by its sale
 * lines (same order and shipment-id). Each is then shown once, as settled. `settlementPk` null: every
 * settlement of the company.
 */
export async function confirmReportedTransactions(
  db: Db | Tx,
  companyId: number,
  settlementPk: number | null,
): Promise<void> {
  await sql`
    UPDATE finance_transactions f SET settlement_id = s.settlement_id
    FROM settlement_refunds r JOIN settlements s ON s.id = r.settlement_pk
    WHERE f.company_id = ${companyId} AND s.company_id = ${companyId} AND f.settlement_id IS NULL
      AND f.transaction_type = 'Refund' AND f.amazon_order_id = r.amazon_order_id AND f.refund_id = r.adjustment_id
      AND (${settlementPk}::bigint IS NULL OR r.settlement_pk = ${settlementPk}::bigint)`.execute(db);
  await sql`
    UPDATE finance_transactions f SET settlement_id = s.settlement_id
    FROM settlement_lines l JOIN settlements s ON s.id = l.settlement_pk
    WHERE f.company_id = ${companyId} AND s.company_id = ${companyId} AND f.settlement_id IS NULL
      AND f.transaction_type = 'Shipment' AND l.transaction_type = 'Order'
      AND f.amazon_order_id = l.order_id AND f.shipment_id = l.shipment_id
      AND (${settlementPk}::bigint IS NULL OR l.settlement_pk = ${settlementPk}::bigint)`.execute(db);
}

/** What the Finances API reported for one order, oldest first. */
export async function orderTransactions(
  db: Db,
  companyId: number,
  amazonOrderId: string,
): Promise<FinanceTransactionRow[]> {
  return db
    .selectFrom('finance_transactions')
    .selectAll()
    .where('company_id', '=', companyId)
    .where('amazon_order_id', '=', amazonOrderId)
    .orderBy('posted_at')
    .orderBy('transaction_id')
    .execute();
}

/** The order's transactions no settlement has carried yet, as `orders pnl` shows them beside the settled. */
export function reportedNotSettled(rows: FinanceTransactionRow[]) {
  return rows
    .filter((row) => row.settlement_id === null)
    .map((row) => ({
      transactionType: row.transaction_type,
      status: row.transaction_status,
      postedAt: row.posted_at,
      totalAmount: row.total_amount,
      ...(row.transaction_type === 'Refund'
        ? { givenBack: row.given_back, initiatedBy: row.initiated_by, refundId: row.refund_id }
        : { maturityAt: row.maturity_at }),
    }));
}

/** Each transaction as an entry of the order's timeline. */
export function financeTimelineEntries(rows: FinanceTransactionRow[]) {
  return rows.map((row) => ({
    kind: 'finance_transaction' as const,
    fromStatus: null,
    toStatus: null,
    detail: {
      transactionType: row.transaction_type,
      status: row.transaction_status,
      amount: row.total_amount,
      ...(row.transaction_type === 'Refund'
        ? { givenBack: row.given_back, initiatedBy: row.initiated_by }
        : { maturityAt: row.maturity_at?.toISOString() ?? null }),
      settledIn: row.settlement_id,
    },
    runId: null,
    source: 'finances:listTransactions',
    occurredAt: row.posted_at,
  }));
}
