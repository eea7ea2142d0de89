import type { Db, Tx } from '../db/client.js';
import type { SettlementDiscrepancyRow } from './settlements.table.js';

/**
 * What the settlements show that does not match: a settlement that does not add up, a fee that is not
 * Amazon's rule, an order settled that was never downloaded, amounts that differ from the order's, a
 * refund of ours Amazon accepted that no settlement has confirmed in time.
 * One row per (company, kind, key): found again, it is updated, never doubled; fixed, it is resolved.
 */
export const DISCREPANCY_KINDS = [
  'settlement_does_not_add_up',
  'settlement_period_missing',
  'refund_admin_fee',
  'commission_refund',
  'unknown_order',
  'settled_amount_differs',
  'refund_not_settled',
] as const;
export type DiscrepancyKind = (typeof DISCREPANCY_KINDS)[number];

export interface NewDiscrepancy {
  companyId: number;
  settlementPk: number | null;
  kind: DiscrepancyKind;
  key: string;
  amazonOrderId: string | null;
  detail: Record<string, unknown>;
}

export async function upsertDiscrepancy(tx: Tx | Db, discrepancy: NewDiscrepancy): Promise<void> {
  await upsertDiscrepancies(tx, [discrepancy]);
}

/** Several at once (one statement): a settlement can name thousands of orders never downloaded. */
export async function upsertDiscrepancies(tx: Tx | Db, discrepancies: NewDiscrepancy[]): Promise<void> {
  if (discrepancies.length === 0) return;
  await tx
    .insertInto('settlement_discrepancies')
    .values(
      discrepancies.map((discrepancy) => ({
        company_id: discrepancy.companyId,
        settlement_pk: discrepancy.settlementPk,
        kind: discrepancy.kind,
        key: discrepancy.key,
        amazon_order_id: discrepancy.amazonOrderId,
        detail: JSON.stringify(discrepancy.detail),
      })),
    )
    .onConflict((conflict) =>
      conflict.columns(['company_id', 'kind', 'key']).doUpdateSet((eb) => ({
        detail: eb.ref('excluded.detail'),
        settlement_pk: eb.ref('excluded.settlement_pk'),
        resolved_at: null,
      })),
    )
    .execute();
}

export async function resolveDiscrepancy(
  tx: Tx | Db,
  companyId: number,
  kind: DiscrepancyKind,
  key: string,
  now: Date,
): Promise<void> {
  await tx
    .updateTable('settlement_discrepancies')
    .set({ resolved_at: now })
    .where('company_id', '=', companyId)
    .where('kind', '=', kind)
    .where('key', '=', key)
    .where('resolved_at', 'is', null)
    .execute();
}

export async function listOpenDiscrepancies(db: Db, companyId: number): Promise<SettlementDiscrepancyRow[]> {
  return db
    .selectFrom('settlement_discrepancies')
    .selectAll()
    .where('company_id', '=', companyId)
    .where('resolved_at', 'is', null)
    .orderBy('found_at', 'desc')
    .orderBy('id', 'desc')
    .execute();
}

/** Open discrepancies per company and kind (the metrics read them at every scrape). */
export async function countOpenDiscrepancies(
  db: Db,
): Promise<{ companyId: number; kind: string; count: number }[]> {
  const rows = await db
    .selectFrom('settlement_discrepancies')
    .select(['company_id', 'kind', (eb) => eb.fn.countAll<string>().as('count')])
    .where('resolved_at', 'is', null)
    .groupBy(['company_id', 'kind'])
    .execute();
  return rows.map((row) => ({ companyId: Number(row.company_id), kind: row.kind, count: Number(row.count) }));
}
