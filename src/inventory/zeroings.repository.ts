import { sql } from 'kysely';
import type { Db, Tx } from '../db/client.js';
import type { InventoryZeroingRow, ListingIssue, ZeroingState } from './zeroings.table.js';

export interface InventoryZeroing {
  id: number;
  companyId: number;
  cancellationId: number | null;
  amazonOrderId: string;
  sku: string;
  marketplaceId: string;
  state: ZeroingState;
  submissionId: string | null;
  issues: ListingIssue[];
  error: string | null;
  attempts: number;
  requestedAt: Date;
  answeredAt: Date | null;
}

function toZeroing(row: InventoryZeroingRow): InventoryZeroing {
  return {
    id: Number(row.id),
    companyId: Number(row.company_id),
    cancellationId: row.cancellation_id === null ? null : Number(row.cancellation_id),
    amazonOrderId: row.amazon_order_id,
    sku: row.sku,
    marketplaceId: row.marketplace_id,
    state: row.state,
    submissionId: row.submission_id,
    issues: row.issues,
    error: row.error,
    attempts: row.attempts,
    requestedAt: row.requested_at,
    answeredAt: row.answered_at,
  };
}

export interface NewZeroing {
  companyId: number;
  cancellationId: number;
  amazonOrderId: string;
  sku: string;
  marketplaceId: string;
}

/** Records the SKUs to set to 0, in the transaction that records their cancellation. */
export async function recordZeroings(tx: Tx, zeroings: NewZeroing[]): Promise<number> {
  if (zeroings.length === 0) return 0;
  const rows = await tx
    .insertInto('inventory_zeroings')
    .values(
      zeroings.map((z) => ({
        company_id: z.companyId,
        cancellation_id: z.cancellationId,
        amazon_order_id: z.amazonOrderId,
        sku: z.sku,
        marketplace_id: z.marketplaceId,
      })),
    )
    .onConflict((oc) => oc.columns(['cancellation_id', 'sku']).doNothing())
    .returning('id')
    .execute();
  return rows.length;
}

export async function listZeroings(
  db: Db,
  companyId: number,
  filter: { states?: readonly ZeroingState[]; amazonOrderId?: string; limit?: number } = {},
): Promise<InventoryZeroing[]> {
  let query = db.selectFrom('inventory_zeroings').selectAll().where('company_id', '=', companyId);
  if (filter.states) query = query.where('state', 'in', [...filter.states]);
  if (filter.amazonOrderId !== undefined) query = query.where('amazon_order_id', '=', filter.amazonOrderId);
  const rows = await query
    .orderBy('id', 'desc')
    .limit(filter.limit ?? 1000)
    .execute();
  return rows.map(toZeroing);
}

/** Records Amazon's answer to one patch. */
export async function recordZeroingAnswer(
  db: Db,
  id: number,
  answer: { state: 'accepted' | 'invalid'; submissionId: string; issues: ListingIssue[] },
): Promise<void> {
  await db
    .updateTable('inventory_zeroings')
    .set({
      state: answer.state,
      submission_id: answer.submissionId,
      issues: JSON.stringify(answer.issues),
      error: null,
      attempts: sql<number>`attempts + 1`,
      answered_at: new Date(),
    })
    .where('id', '=', id)
    .where('state', '=', 'pending')
    .execute();
}

/** Records a failed call; after `maxAttempts` the zeroing is given up as failed. */
export async function recordZeroingFailure(
  db: Db,
  id: number,
  error: string,
  maxAttempts: number,
): Promise<void> {
  await db
    .updateTable('inventory_zeroings')
    .set({
      error,
      attempts: sql<number>`attempts + 1`,
      state: sql<ZeroingState>`CASE WHEN attempts + 1 >= ${maxAttempts} THEN 'failed' ELSE 'pending' END`,
      answered_at: sql<Date | null>`CASE WHEN attempts + 1 >= ${maxAttempts} THEN now() ELSE NULL END`,
    })
    .where('id', '=', id)
    .where('state', '=', 'pending')
    .execute();
}

/** The company's zeroings not sent yet, row-locked for the transaction that puts them in a feed. */
export async function lockPendingZeroings(tx: Tx, companyId: number): Promise<InventoryZeroing[]> {
  const rows = await tx
    .selectFrom('inventory_zeroings')
    .selectAll()
    .where('company_id', '=', companyId)
    .where('state', '=', 'pending')
    .orderBy('id')
    .forUpdate()
    .skipLocked()
    .execute();
  return rows.map(toZeroing);
}

export async function markZeroingsInFeed(tx: Tx, ids: number[], feedId: number): Promise<void> {
  if (ids.length === 0) return;
  await tx
    .updateTable('inventory_zeroings')
    .set({ state: 'in_feed', feed_id: feedId })
    .where('id', '=', sql<number>`ANY(${ids}::bigint[])`)
    .where('state', '=', 'pending')
    .execute();
}

/** Amazon's answer to one message of a listings feed. */
export interface ZeroingVerdict {
  id: number;
  state: 'accepted' | 'invalid';
  submissionId: string;
  issues: ListingIssue[];
}

/** Records the answers of a finished listings feed, in the transaction that closes it. */
export async function recordZeroingVerdicts(tx: Tx, feedId: number, verdicts: ZeroingVerdict[]) {
  for (const verdict of verdicts) {
    await tx
      .updateTable('inventory_zeroings')
      .set({
        state: verdict.state,
        submission_id: verdict.submissionId,
        issues: JSON.stringify(verdict.issues),
        error: null,
        attempts: sql<number>`attempts + 1`,
        answered_at: new Date(),
      })
      .where('id', '=', verdict.id)
      .where('state', '=', 'in_feed')
      .where('feed_id', '=', feedId)
      .execute();
  }
}

/** A listings feed ended without a verdict: its zeroings wait for the next run (failed after `maxAttempts`). */
export async function releaseZeroingsOfFeed(
  tx: Tx,
  feedId: number,
  ids: number[],
  reason: string,
  maxAttempts: number,
): Promise<void> {
  if (ids.length === 0) return;
  await tx
    .updateTable('inventory_zeroings')
    .set({
      error: reason,
      feed_id: null,
      attempts: sql<number>`attempts + 1`,
      state: sql<ZeroingState>`CASE WHEN attempts + 1 >= ${maxAttempts} THEN 'failed' ELSE 'pending' END`,
      answered_at: sql<Date | null>`CASE WHEN attempts + 1 >= ${maxAttempts} THEN now() ELSE NULL END`,
    })
    .where('id', '=', sql<number>`ANY(${ids}::bigint[])`)
    .where('state', '=', 'in_feed')
    .where('feed_id', '=', feedId)
    .execute();
}
