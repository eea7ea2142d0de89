import { sql } from 'kysely';
import type { Db, Tx } from '../db/client.js';
import type { SettlementFormat, SettlementSummary } from './flat-file.types.js';
import { deleteBeyond, lineTotals } from './settlement-lines.repository.js';
import type { SettlementRow } from './settlements.table.js';
import { resolveDiscrepancy, upsertDiscrepancy } from './discrepancies.repository.js';

export interface StartedSettlement {
  pk: number;
  revision: number;
  /** A later file of a settlement already complete (or a reissue taken up again after a kill). */
  reissue: boolean;
  hadQuarantined: boolean;
}

function summaryColumns(summary: SettlementSummary) {
  return {
    start_at: summary.startAt,
    end_at: summary.endAt,
    deposit_at: summary.depositAt,
    total_amount: summary.totalAmount,
    currency: summary.currency,
  };
}

function summaryDiffers(row: SettlementRow, summary: SettlementSummary): boolean {
  const same = (a: Date | null, b: Date | null) => (a?.getTime() ?? null) === (b?.getTime() ?? null);
  return (
    Number(row.total_amount) !== Number(summary.totalAmount) ||
    row.currency !== summary.currency ||
    !same(row.start_at, summary.startAt) ||
    !same(row.end_at, summary.endAt) ||
    !same(row.deposit_at, summary.depositAt)
  );
}

/**
 * Starts (or takes up again) writing a settlement's file: a first file creates it; a file of a settlement
 * already complete opens its next revision, remembering the total it replaces; a settlement still being
 * written (a run killed mid-way) goes on in the same revision.
 */
export async function startSettlement(
  db: Db,
  companyId: number,
  format: SettlementFormat,
  summary: SettlementSummary,
  source: string,
): Promise<StartedSettlement> {
  return db.transaction().execute(async (tx) => {
    const existing = await tx
      .selectFrom('settlements')
      .selectAll()
      .where('company_id', '=', companyId)
      .where('settlement_id', '=', summary.settlementId)
      .forUpdate()
      .executeTakeFirst();
    if (!existing) {
      const created = await tx
        .insertInto('settlements')
        .values({
          company_id: companyId,
          settlement_id: summary.settlementId,
          format,
          state: 'ingesting',
          source,
          ...summaryColumns(summary),
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      return { pk: created.id, revision: 1, reissue: false, hadQuarantined: false };
    }
    const reopening = existing.state === 'complete';
    const summaryChange = summaryDiffers(existing, summary) ? 1 : 0;
    await tx
      .updateTable('settlements')
      .set({
        format,
        source,
        state: 'ingesting',
        ...summaryColumns(summary),
        updated_at: new Date(),
        ...(reopening
          ? {
              revision: existing.revision + 1,
              changed_rows_pending: summaryChange,
              total_before: existing.total_amount,
            }
          : { changed_rows_pending: existing.changed_rows_pending + summaryChange }),
      })
      .where('id', '=', existing.id)
      .execute();
    return {
      pk: existing.id,
      revision: reopening ? existing.revision + 1 : existing.revision,
      reissue: reopening || existing.revision > 1,
      hadQuarantined: existing.quarantined_count > 0 || !reopening,
    };
  });
}

export async function addChangedRows(tx: Tx, settlementPk: number, changed: number): Promise<void> {
  if (changed === 0) return;
  await tx
    .updateTable('settlements')
    .set((eb) => ({ changed_rows_pending: eb('changed_rows_pending', '+', changed) }))
    .where('id', '=', settlementPk)
    .execute();
}

export interface FinishedSettlement {
  revision: number;
  /** Rows a reissue changed, added or removed (0 for a first file, and for the same file again). */
  changedRows: number;
  /** The settlement was complete already and this file changed nothing: there is nothing new to reconcile. */
  unchanged: boolean;
  lineCount: number;
  quarantinedCount: number;
  totalAmount: string;
  linesSum: string;
  addsUp: boolean;
}

/**
 * Ends a file: what lies past its last line goes, the total is checked against the sum of the lines
 * (a settlement that does not add up is a discrepancy), and a reissue that changed something is recorded
 * as a revision; one that changed nothing leaves the settlement as it was.
 */
export async function finishSettlement(
  db: Db,
  settlementPk: number,
  lastLine: number,
  now: Date,
): Promise<FinishedSettlement> {
  return db.transaction().execute(async (tx) => {
    const row = await tx
      .selectFrom('settlements')
      .selectAll()
      .where('id', '=', settlementPk)
      .forUpdate()
      .executeTakeFirstOrThrow();
    const removed = await deleteBeyond(tx, settlementPk, lastLine);
    const totals = await lineTotals(tx, settlementPk);
    const changedRows = row.revision > 1 ? row.changed_rows_pending + removed : 0;
    const { rows } = await sql<{ adds_up: boolean }>`
      SELECT ${row.total_amount}::numeric = ${totals.sum}::numeric AS adds_up`.execute(tx);
    const addsUp = rows[0]?.adds_up ?? false;
    let revision = row.revision;
    if (row.revision > 1 && changedRows > 0) {
      await tx
        .insertInto('settlement_revisions')
        .values({
          settlement_pk: settlementPk,
          revision: row.revision,
          source: row.source,
          changed_rows: row.changed_rows_pending,
          removed_rows: removed,
          total_before: row.total_before ?? row.total_amount,
          total_after: row.total_amount,
        })
        .onConflict((conflict) => conflict.columns(['settlement_pk', 'revision']).doNothing())
        .execute();
    } else if (row.revision > 1) {
      revision = row.revision - 1;
    }
    await tx
      .updateTable('settlements')
      .set({
        state: 'complete',
        revision,
        lines_sum: totals.sum,
        line_count: totals.lineCount,
        quarantined_count: totals.quarantinedCount,
        adds_up: addsUp,
        reserve_previous: totals.reservePrevious,
        reserve_current: totals.reserveCurrent,
        marketplace_name: totals.marketplaceName,
        changed_rows_pending: 0,
        total_before: null,
        ingested_at: now,
        updated_at: now,
      })
      .where('id', '=', settlementPk)
      .execute();
    const key = row.settlement_id;
    if (addsUp) await resolveDiscrepancy(tx, row.company_id, 'settlement_does_not_add_up', key, now);
    else
      await upsertDiscrepancy(tx, {
        companyId: row.company_id,
        settlementPk,
        kind: 'settlement_does_not_add_up',
        key,
        amazonOrderId: null,
        detail: {
          settlementId: row.settlement_id,
          totalAmount: row.total_amount,
          linesSum: totals.sum,
          hint: 'usually a missing reserve or loan line',
        },
      });
    return {
      revision,
      changedRows,
      unchanged: row.revision > 1 && changedRows === 0,
      lineCount: totals.lineCount,
      quarantinedCount: totals.quarantinedCount,
      totalAmount: row.total_amount,
      linesSum: totals.sum,
      addsUp,
    };
  });
}
