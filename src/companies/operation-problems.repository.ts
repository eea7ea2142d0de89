import type { Db } from '../db/client.js';

export interface OperationProblem {
  operation: string;
  problem: string;
  status: number | null;
  firstSeenAt: Date;
  lastSeenAt: Date;
}

/** Records (or refreshes) that Amazon refused `operation` to the company. */
export async function recordOperationProblem(
  db: Db,
  companyId: number,
  problem: { operation: string; problem: string; status: number | null },
): Promise<void> {
  const now = new Date();
  await db
    .insertInto('company_operation_problems')
    .values({ company_id: companyId, ...problem, first_seen_at: now, last_seen_at: now })
    .onConflict((oc) =>
      oc.columns(['company_id', 'operation']).doUpdateSet({
        problem: problem.problem,
        status: problem.status,
        last_seen_at: now,
      }),
    )
    .execute();
}

/** The operation worked again (the role was granted): its problem is gone. */
export async function clearOperationProblem(db: Db, companyId: number, operation: string): Promise<void> {
  await db
    .deleteFrom('company_operation_problems')
    .where('company_id', '=', companyId)
    .where('operation', '=', operation)
    .execute();
}

export async function listOperationProblems(db: Db, companyId: number): Promise<OperationProblem[]> {
  const rows = await db
    .selectFrom('company_operation_problems')
    .selectAll()
    .where('company_id', '=', companyId)
    .orderBy('operation')
    .execute();
  return rows.map((row) => ({
    operation: row.operation,
    problem: row.problem,
    status: row.status,
    firstSeenAt: row.first_seen_at,
    lastSeenAt: row.last_seen_at,
  }));
}
