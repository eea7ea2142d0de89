import { sql } from 'kysely';
import type { Tx } from '../db/client.js';
import type { QuarantinedRow, SettlementLine } from './flat-file.types.js';

/**
 * The lines of one settlement, upserted by their place in the file: writing the same file again changes
 * nothing, and a reissued file changes exactly the rows that differ. Written as arrays (one statement
 * per batch), so a million-line file is a few hundred statements.
 */

const COLUMNS = [
  'transaction_type',
  'order_id',
  'merchant_order_id',
  'adjustment_id',
  'shipment_id',
  'marketplace_name',
  'amount_type',
  'amount_description',
  'amount',
  'fulfillment_id',
  'posted_at',
  'posted_raw',
  'order_item_code',
  'merchant_order_item_id',
  'merchant_adjustment_item_id',
  'sku',
  'quantity',
  'promotion_id',
] as const;

const TYPES: Record<(typeof COLUMNS)[number], string> = {
  transaction_type: 'text',
  order_id: 'text',
  merchant_order_id: 'text',
  adjustment_id: 'text',
  shipment_id: 'text',
  marketplace_name: 'text',
  amount_type: 'text',
  amount_description: 'text',
  amount: 'numeric',
  fulfillment_id: 'text',
  posted_at: 'timestamptz',
  posted_raw: 'text',
  order_item_code: 'text',
  merchant_order_item_id: 'text',
  merchant_adjustment_item_id: 'text',
  sku: 'text',
  quantity: 'int',
  promotion_id: 'text',
};

function valuesOf(line: SettlementLine): Record<(typeof COLUMNS)[number], unknown> {
  return {
    transaction_type: line.transactionType,
    order_id: line.orderId,
    merchant_order_id: line.merchantOrderId,
    adjustment_id: line.adjustmentId,
    shipment_id: line.shipmentId,
    marketplace_name: line.marketplaceName,
    amount_type: line.amountType,
    amount_description: line.amountDescription,
    amount: line.amount,
    fulfillment_id: line.fulfillmentId,
    posted_at: line.postedAt?.toISOString() ?? null,
    posted_raw: line.postedRaw,
    order_item_code: line.orderItemCode,
    merchant_order_item_id: line.merchantOrderItemId,
    merchant_adjustment_item_id: line.merchantAdjustmentItemId,
    sku: line.sku,
    quantity: line.quantity,
    promotion_id: line.promotionId,
  };
}

const columnList = sql.raw(COLUMNS.join(', '));
const unnestArgs = sql.raw(COLUMNS.map((column, index) => `$${index + 4}::${TYPES[column]}[]`).join(', '));
const updates = sql.raw(COLUMNS.map((column) => `${column} = excluded.${column}`).join(', '));
const oldRow = sql.raw(COLUMNS.map((column) => `l.${column}`).join(', '));
const newRow = sql.raw(COLUMNS.map((column) => `excluded.${column}`).join(', '));

/** Upserts lines; returns how many were inserted or changed (rows written as they already were are not). */
export async function upsertLines(tx: Tx, settlementPk: number, lines: SettlementLine[]): Promise<number> {
  if (lines.length === 0) return 0;
  const arrays = COLUMNS.map(() => [] as unknown[]);
  for (const line of lines) {
    const values = valuesOf(line);
    COLUMNS.forEach((column, index) => arrays[index]?.push(values[column]));
  }
  // Positional parameters: the settlement, the line and sub arrays, then one array per column.
  const parameters = [settlementPk, lines.map((line) => line.line), lines.map((line) => line.sub), ...arrays];
  const query = sql<{ written: number }>`
    WITH written AS (
      INSERT INTO settlement_lines AS l (settlement_pk, line, sub, ${columnList})
      SELECT $1::bigint, * FROM unnest($2::int[], $3::smallint[], ${unnestArgs})
      ON CONFLICT (settlement_pk, line, sub) DO UPDATE SET ${updates}
      WHERE (${oldRow}) IS DISTINCT FROM (${newRow})
      RETURNING 1
    )
    SELECT count(*)::int AS written FROM written`.compile(tx);
  const result = await tx.executeQuery<{ written: number }>({ ...query, parameters });
  return result.rows[0]?.written ?? 0;
}

/**
 * Keeps rows that could not be read, and drops any line once read at their place; returns how many rows
 * this changed (a row newly quarantined, or quarantined for another reason).
 */
export async function upsertQuarantined(
  tx: Tx,
  settlementPk: number,
  rows: QuarantinedRow[],
): Promise<number> {
  if (rows.length === 0) return 0;
  const lines = rows.map((row) => row.line);
  const dropped = await tx
    .deleteFrom('settlement_lines')
    .where('settlement_pk', '=', settlementPk)
    .where('line', 'in', lines)
    .executeTakeFirst();
  const written = await tx
    .insertInto('settlement_quarantine')
    .values(
      rows.map((row) => ({ settlement_pk: settlementPk, line: row.line, reason: row.reason, raw: row.raw })),
    )
    .onConflict((conflict) =>
      conflict
        .columns(['settlement_pk', 'line'])
        .doUpdateSet((eb) => ({ reason: eb.ref('excluded.reason'), raw: eb.ref('excluded.raw') }))
        .where((eb) =>
          eb.or([
            eb('settlement_quarantine.reason', '<>', eb.ref('excluded.reason')),
            eb('settlement_quarantine.raw', '<>', eb.ref('excluded.raw')),
          ]),
        ),
    )
    .executeTakeFirst();
  return Number(dropped.numDeletedRows) + Number(written.numInsertedOrUpdatedRows ?? 0n);
}

/** Lines now read at places that were quarantined before leave the quarantine; returns how many did. */
export async function releaseQuarantined(tx: Tx, settlementPk: number, lines: number[]): Promise<number> {
  if (lines.length === 0) return 0;
  const released = await tx
    .deleteFrom('settlement_quarantine')
    .where('settlement_pk', '=', settlementPk)
    .where('line', 'in', lines)
    .executeTakeFirst();
  return Number(released.numDeletedRows);
}

/** Drops what lies past the file's last line (a reissue that is shorter); returns how many rows went. */
export async function deleteBeyond(tx: Tx, settlementPk: number, lastLine: number): Promise<number> {
  const lines = await tx
    .deleteFrom('settlement_lines')
    .where('settlement_pk', '=', settlementPk)
    .where('line', '>', lastLine)
    .executeTakeFirst();
  const quarantined = await tx
    .deleteFrom('settlement_quarantine')
    .where('settlement_pk', '=', settlementPk)
    .where('line', '>', lastLine)
    .executeTakeFirst();
  return Number(lines.numDeletedRows) + Number(quarantined.numDeletedRows);
}

export interface LineTotals {
  lineCount: number;
  quarantinedCount: number;
  sum: string;
  reservePrevious: string | null;
  reserveCurrent: string | null;
  marketplaceName: string | null;
}

export const PREVIOUS_RESERVE = 'Previous Reserve Amount Balance';
export const CURRENT_RESERVE = 'Current Reserve Amount';

export async function lineTotals(tx: Tx, settlementPk: number): Promise<LineTotals> {
  const { rows } = await sql<{
    line_count: number;
    sum: string;
    reserve_previous: string | null;
    reserve_current: string | null;
    marketplace_name: string | null;
    quarantined_count: number;
  }>`
    SELECT count(*)::int AS line_count,
           coalesce(sum(amount), 0)::text AS sum,
           (sum(amount) FILTER (WHERE amount_description = ${PREVIOUS_RESERVE}))::text AS reserve_previous,
           (sum(amount) FILTER (WHERE amount_description = ${CURRENT_RESERVE}))::text AS reserve_current,
           mode() WITHIN GROUP (ORDER BY marketplace_name) AS marketplace_name,
           (SELECT count(*)::int FROM settlement_quarantine q WHERE q.settlement_pk = ${settlementPk}) AS quarantined_count
    FROM settlement_lines WHERE settlement_pk = ${settlementPk}`.execute(tx);
  const [row] = rows;
  return {
    lineCount: row?.line_count ?? 0,
    quarantinedCount: row?.quarantined_count ?? 0,
    sum: row?.sum ?? '0',
    reservePrevious: row?.reserve_previous ?? null,
    reserveCurrent: row?.reserve_current ?? null,
    marketplaceName: row?.marketplace_name ?? null,
  };
}
