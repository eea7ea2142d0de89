import {
  financeTimelineEntries,
  orderTransactions,
  reportedNotSettled,
} from './finance-transactions.repository.js';
import { sql } from 'kysely';
import type { Db } from '../db/client.js';
import { NotFoundError, UsageError } from '../shared/errors.js';
import { fromCents, toCents } from './amounts.js';
import { listOpenDiscrepancies } from './discrepancies.repository.js';
import type { SettlementRow } from './settlements.table.js';

/** What `settlements list|show`, `settlements discrepancies` and `orders pnl` read. */

/** Types Amazon's samples and help pages show; any other is listed as not known (it is kept all the same). */
const KNOWN_TRANSACTION_TYPES = new Set([
  'Order',
  'Refund',
  'Adjustment',
  'ServiceFee',
  'Shipment',
  'Transfer',
  'other-transaction',
  'Chargeback Refund',
  'Order_Retrocharge',
  'Refund_Retrocharge',
  'Liquidations',
  'Liquidations Adjustments',
  'CouponRedemptionFee',
  'Lightning Deal Fee',
  'Vine Enrollment Fee',
]);
const KNOWN_AMOUNT_TYPES = new Set([
  'ItemPrice',
  'ItemFees',
  'ItemWithheldTax',
  'Promotion',
  'Shipment-Fees',
  'Order-Fees',
  'other-transaction',
  'DirectPayment',
]);

export interface SettlementSummaryView {
  companyId: number;
  settlementId: string;
  format: string;
  state: string;
  marketplace: string | null;
  currency: string | null;
  startAt: Date | null;
  endAt: Date | null;
  depositAt: Date | null;
  totalAmount: string;
  linesSum: string | null;
  addsUp: boolean | null;
  reservePrevious: string | null;
  reserveCurrent: string | null;
  lines: number;
  quarantined: number;
  revision: number;
  source: string;
}

function viewOf(row: SettlementRow): SettlementSummaryView {
  return {
    companyId: row.company_id,
    settlementId: row.settlement_id,
    format: row.format,
    state: row.state,
    marketplace: row.marketplace_name,
    currency: row.currency,
    startAt: row.start_at,
    endAt: row.end_at,
    depositAt: row.deposit_at,
    totalAmount: row.total_amount,
    linesSum: row.lines_sum,
    addsUp: row.adds_up,
    reservePrevious: row.reserve_previous,
    reserveCurrent: row.reserve_current,
    lines: row.line_count,
    quarantined: row.quarantined_count,
    revision: row.revision,
    source: row.source,
  };
}

export async function listSettlements(db: Db, companyId?: number): Promise<SettlementSummaryView[]> {
  let query = db.selectFrom('settlements').selectAll();
  if (companyId !== undefined) query = query.where('company_id', '=', companyId);
  const rows = await query.orderBy('end_at', 'desc').orderBy('id', 'desc').execute();
  return rows.map(viewOf);
}

export async function showSettlement(db: Db, settlementId: string, companyId?: number) {
  let query = db.selectFrom('settlements').selectAll().where('settlement_id', '=', settlementId);
  if (companyId !== undefined) query = query.where('company_id', '=', companyId);
  const rows = await query.execute();
  if (rows.length === 0) throw new NotFoundError(`settlement ${settlementId} has not been ingested`);
  if (rows.length > 1)
    throw new UsageError(`settlement ${settlementId} belongs to several companies: give --company`, {
      field: '--company',
    });
  const row = rows[0] as SettlementRow;
  const types = await sql<{ transaction_type: string; amount_type: string; lines: number; amount: string }>`
    SELECT transaction_type, amount_type, count(*)::int AS lines, sum(amount)::text AS amount
    FROM settlement_lines WHERE settlement_pk = ${row.id}
    GROUP BY transaction_type, amount_type ORDER BY transaction_type, amount_type`.execute(db);
  const quarantined = await db
    .selectFrom('settlement_quarantine')
    .select(['line', 'reason'])
    .where('settlement_pk', '=', row.id)
    .orderBy('line')
    .execute();
  const revisions = await db
    .selectFrom('settlement_revisions')
    .select([
      'revision',
      'source',
      'changed_rows',
      'removed_rows',
      'total_before',
      'total_after',
      'recorded_at',
    ])
    .where('settlement_pk', '=', row.id)
    .orderBy('revision')
    .execute();
  const discrepancies = (await listOpenDiscrepancies(db, row.company_id)).filter(
    (discrepancy) => discrepancy.settlement_pk === row.id,
  );
  const perType = types.rows.map((type) => ({
    transactionType: type.transaction_type,
    amountType: type.amount_type,
    lines: type.lines,
    amount: type.amount,
  }));
  const unknownTypes = [
    ...new Set(
      perType
        .filter(
          (type) =>
            !KNOWN_TRANSACTION_TYPES.has(type.transactionType) || !KNOWN_AMOUNT_TYPES.has(type.amountType),
        )
        .map((type) => `${type.transactionType} / ${type.amountType}`),
    ),
  ];
  return { ...viewOf(row), perType, unknownTypes, quarantinedRows: quarantined, revisions, discrepancies };
}

export interface PnlLine {
  settlementId: string;
  transactionType: string;
  amountType: string;
  amountDescription: string;
  amount: string;
  lines: number;
}

/** An order's money as Amazon settled it: every component per settlement, refunds with who initiated them. */
export async function orderPnl(db: Db, companyId: number, amazonOrderId: string) {
  const { rows } = await sql<PnlLine>`
    SELECT s.settlement_id AS "settlementId", l.transaction_type AS "transactionType", l.amount_type AS "amountType",
           l.amount_description AS "amountDescription", sum(l.amount)::text AS amount, count(*)::int AS lines
    FROM settlement_lines l JOIN settlements s ON s.id = l.settlement_pk
    WHERE s.company_id = ${companyId} AND l.order_id = ${amazonOrderId}
    GROUP BY s.settlement_id, s.end_at, l.transaction_type, l.amount_type, l.amount_description
    ORDER BY s.end_at, s.settlement_id, l.transaction_type, l.amount_type, l.amount_description`.execute(db);
  const reported = await orderTransactions(db, companyId, amazonOrderId);
  if (rows.length === 0 && reported.length === 0)
    throw new NotFoundError(`no settlement of company ${companyId} has lines for order ${amazonOrderId}`);
  const sum = (filter: (line: PnlLine) => boolean) =>
    fromCents(rows.filter(filter).reduce((total, line) => total + toCents(line.amount), 0n));
  const isSale = (line: PnlLine) => line.transactionType === 'Order';
  const price = (description: string) => (line: PnlLine) =>
    isSale(line) && line.amountType === 'ItemPrice' && line.amountDescription === description;
  const refunds = await db
    .selectFrom('settlement_refunds')
    .innerJoin('settlements', 'settlements.id', 'settlement_refunds.settlement_pk')
    .select([
      'settlements.settlement_id as settlementId',
      'settlement_refunds.initiated_by as initiatedBy',
      'settlement_refunds.transaction_type as transactionType',
      'settlement_refunds.principal',
      'settlement_refunds.tax',
      'settlement_refunds.shipping',
      'settlement_refunds.commission_refunded as commissionRefunded',
      'settlement_refunds.admin_fee as adminFee',
      'settlement_refunds.expected_admin_fee as expectedAdminFee',
      'settlement_refunds.merchant_adjustment_item_id as merchantAdjustmentItemId',
      'settlement_refunds.matched_refund_id as matchedRefundId',
    ])
    .where('settlements.company_id', '=', companyId)
    .where('settlement_refunds.amazon_order_id', '=', amazonOrderId)
    .execute();
  const fees = rows
    .filter((line) => isSale(line) && line.amountType !== 'ItemPrice' && line.amountType !== 'Promotion')
    .map((line) => ({ fee: line.amountDescription, amount: line.amount, settlementId: line.settlementId }));
  return {
    amazonOrderId,
    principal: sum(price('Principal')),
    tax: sum(
      (line) => isSale(line) && line.amountType === 'ItemPrice' && /Tax$/.test(line.amountDescription),
    ),
    shipping: sum(price('Shipping')),
    promotions: sum((line) => isSale(line) && line.amountType === 'Promotion'),
    fees,
    refunded: sum((line) => !isSale(line)),
    refunds,
    netProceeds: sum(() => true),
    settlements: [...new Set(rows.map((line) => line.settlementId))],
    lines: rows,
    /** What the Finances API reported that no settlement has carried yet (a refund days before it settles). */
    notSettledYet: reportedNotSettled(reported),
  };
}

export interface SettlementTimelineEntry {
  kind: 'settlement_line' | 'finance_transaction';
  fromStatus: null;
  toStatus: null;
  detail: Record<string, unknown>;
  runId: null;
  source: string;
  occurredAt: Date;
}

/**
 * Each settlement line that touched the order, and each transaction the Finances API reported for it,
 * as timeline entries, merged into the order's own.
 */
export async function withSettlementTimeline<Entry extends { occurredAt: Date }>(
  db: Db,
  companyId: number,
  amazonOrderId: string,
  timeline: Entry[],
): Promise<(Entry | SettlementTimelineEntry)[]> {
  const lines = await db
    .selectFrom('settlement_lines')
    .innerJoin('settlements', 'settlements.id', 'settlement_lines.settlement_pk')
    .select([
      'settlements.settlement_id',
      'settlements.end_at',
      'settlement_lines.line',
      'settlement_lines.transaction_type',
      'settlement_lines.amount_type',
      'settlement_lines.amount_description',
      'settlement_lines.amount',
      'settlement_lines.posted_at',
    ])
    .where('settlements.company_id', '=', companyId)
    .where('settlement_lines.order_id', '=', amazonOrderId)
    .orderBy('settlement_lines.posted_at')
    .orderBy('settlement_lines.line')
    .execute();
  const entries: SettlementTimelineEntry[] = lines.map((line) => ({
    kind: 'settlement_line',
    fromStatus: null,
    toStatus: null,
    detail: {
      settlementId: line.settlement_id,
      line: line.line,
      transactionType: line.transaction_type,
      amount: `${line.amount_type}/${line.amount_description} ${line.amount}`,
    },
    runId: null,
    source: `settlement:${line.settlement_id}`,
    occurredAt: line.posted_at ?? line.end_at ?? new Date(0),
  }));
  const reported = financeTimelineEntries(await orderTransactions(db, companyId, amazonOrderId));
  return [...timeline, ...entries, ...reported].sort(
    (a, b) => a.occurredAt.getTime() - b.occurredAt.getTime(),
  );
}
