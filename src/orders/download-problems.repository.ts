import type { Transaction } from 'kysely';
import type { RejectedOrder } from '../amazon/port.js';
import type { Db } from '../db/client.js';
import type { Database } from '../db/database.js';
import type { OrderDownloadProblemRow } from './download-problems.table.js';

/** An order the download set aside, as operations see it. */
export interface DownloadProblem {
  id: number;
  companyId: number;
  amazonOrderId: string | null;
  problem: string;
  /** Where it was last seen: `searchOrders:<window start>#<page>`, `report:<reportId>`, `getOrder(problem):<id>`. */
  source: string | null;
  firstSeenAt: Date;
  lastSeenAt: Date;
  seenByRunId: number | null;
  resolvedAt: Date | null;
}

function toProblem(row: OrderDownloadProblemRow): DownloadProblem {
  return {
    id: row.id,
    companyId: row.company_id,
    amazonOrderId: row.amazon_order_id,
    problem: row.problem,
    source: row.source,
    firstSeenAt: row.first_seen_at,
    lastSeenAt: row.last_seen_at,
    seenByRunId: row.seen_by_run_id,
    resolvedAt: row.resolved_at,
  };
}

/** One row per order: of an order set aside twice in one batch (twice on a page), the last sighting. */
function onePerOrder(rejected: readonly RejectedOrder[]): RejectedOrder[] {
  const byOrder = new Map<string, RejectedOrder>();
  const withoutId: RejectedOrder[] = [];
  for (const r of rejected) {
    if (r.orderId === null) withoutId.push(r);
    else byOrder.set(r.orderId, r);
  }
  return [...byOrder.values(), ...withoutId];
}

/**
 * Records rejected orders (call inside the transaction that commits their page): a known order's problem
 * is updated and reopened, its first sighting kept.
 */
export async function recordProblems(
  tx: Transaction<Database>,
  companyId: number,
  runId: number | null,
  source: string,
  rejected: readonly RejectedOrder[],
  seenAt: Date,
): Promise<void> {
  if (rejected.length === 0) return;
  await tx
    .insertInto('order_download_problems')
    .values(
      onePerOrder(rejected).map((r) => ({
        company_id: companyId,
        amazon_order_id: r.orderId,
        problem: r.problem,
        source,
        first_seen_at: seenAt,
        last_seen_at: seenAt,
        seen_by_run_id: runId,
      })),
    )
    .onConflict((oc) =>
      oc.columns(['company_id', 'amazon_order_id']).doUpdateSet((eb) => ({
        problem: eb.ref('excluded.problem'),
        source: eb.ref('excluded.source'),
        last_seen_at: eb.ref('excluded.last_seen_at'),
        seen_by_run_id: eb.ref('excluded.seen_by_run_id'),
        resolved_at: null,
      })),
    )
    .execute();
}

/** The company's open problems that can be asked about again (they have an order id), least recently seen first. */
export async function findRetryableProblems(
  db: Db,
  companyId: number,
  limit: number,
): Promise<DownloadProblem[]> {
  const rows = await db
    .selectFrom('order_download_problems')
    .selectAll()
    .where('company_id', '=', companyId)
    .where('resolved_at', 'is', null)
    .where('amazon_order_id', 'is not', null)
    .orderBy('last_seen_at')
    .orderBy('id')
    .limit(limit)
    .execute();
  return rows.map(toProblem);
}

/** The order is still malformed: its newest problem and sighting. */
export async function touchProblem(
  db: Db | Transaction<Database>,
  id: number,
  runId: number | null,
  problem: string,
  seenAt: Date,
): Promise<void> {
  await db
    .updateTable('order_download_problems')
    .set({ problem, source: `getOrder(problem):${id}`, last_seen_at: seenAt, seen_by_run_id: runId })
    .where('id', '=', id)
    .execute();
}

export async function resolveProblem(tx: Transaction<Database>, id: number, resolvedAt: Date): Promise<void> {
  await tx
    .updateTable('order_download_problems')
    .set({ resolved_at: resolvedAt })
    .where('id', '=', id)
    .execute();
}

/** Open problems (or all, with `includeResolved`), of one company or every company, newest sighting first. */
export async function listDownloadProblems(
  db: Db,
  filter: { companyId?: number | undefined; includeResolved: boolean },
): Promise<DownloadProblem[]> {
  let query = db.selectFrom('order_download_problems').selectAll();
  if (filter.companyId !== undefined) query = query.where('company_id', '=', filter.companyId);
  if (!filter.includeResolved) query = query.where('resolved_at', 'is', null);
  const rows = await query.orderBy('last_seen_at', 'desc').orderBy('id', 'desc').execute();
  return rows.map(toProblem);
}
