import { sql } from 'kysely';
import type { Db } from '../db/client.js';
import type { JobRunRow, RunStatus, StoredRunCounts } from './job-runs.table.js';
import type { JobKind, Trigger } from './kinds.js';

export interface JobRun {
  id: number;
  companyId: number;
  kind: JobKind;
  trigger: Trigger;
  status: RunStatus;
  startedAt: Date;
  finishedAt: Date | null;
  counts: StoredRunCounts;
  error: string | null;
  queueJobId: string | null;
}

function toJobRun(row: JobRunRow): JobRun {
  return {
    id: row.id,
    companyId: row.company_id,
    kind: row.kind,
    trigger: row.trigger,
    status: row.status,
    startedAt: row.started_at,
    finishedAt: row.finished_at,
    counts: row.counts,
    error: row.error,
    queueJobId: row.queue_job_id,
  };
}

/** The error of a run closed because the process running it is gone. */
export const ABANDONED = 'abandoned: the process running it stopped';

export interface NewRun {
  companyId: number;
  kind: JobKind;
  trigger: Trigger;
  queueJobId?: string | undefined;
}

export async function insertRun(db: Db, run: NewRun, status: RunStatus, error?: string): Promise<JobRun> {
  const now = new Date();
  const row = await db
    .insertInto('job_runs')
    .values({
      company_id: run.companyId,
      kind: run.kind,
      trigger: run.trigger,
      status,
      queue_job_id: run.queueJobId ?? null,
      started_at: now,
      finished_at: status === 'running' ? null : now,
      error: error ?? null,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  return toJobRun(row);
}

export async function finishRun(
  db: Db,
  id: number,
  status: Exclude<RunStatus, 'running'>,
  counts: object,
  error?: string,
): Promise<JobRun> {
  const row = await db
    .updateTable('job_runs')
    .set({ status, finished_at: new Date(), counts: JSON.stringify(counts), error: error ?? null })
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirstOrThrow();
  return toJobRun(row);
}

/** A running run's counts so far, so the run history shows its progress; a finished run is left alone. */
export async function updateRunningCounts(db: Db, id: number, counts: object): Promise<void> {
  await db
    .updateTable('job_runs')
    .set({ counts: JSON.stringify(counts) })
    .where('id', '=', id)
    .where('status', '=', 'running')
    .execute();
}

export interface RunFilter {
  companyId?: number | undefined;
  kind?: JobKind | undefined;
  status?: RunStatus | undefined;
  offset?: number | undefined;
  limit?: number | undefined;
}

export async function listRuns(db: Db, filter: RunFilter = {}): Promise<JobRun[]> {
  let query = db.selectFrom('job_runs').selectAll();
  if (filter.companyId !== undefined) query = query.where('company_id', '=', filter.companyId);
  if (filter.kind !== undefined) query = query.where('kind', '=', filter.kind);
  if (filter.status !== undefined) query = query.where('status', '=', filter.status);
  const rows = await query
    .orderBy('started_at', 'desc')
    .orderBy('id', 'desc')
    .offset(filter.offset ?? 0)
    .limit(filter.limit ?? 50)
    .execute();
  return rows.map(toJobRun);
}

/**
 * Runs left `running` by a process that died or lost its lease. Only called while holding the
 * (company, kind) lease: a run still alive among them can no longer write, and records its own end.
 */
export async function closeAbandonedRuns(db: Db, companyId: number, kind: JobKind): Promise<number> {
  const result = await db
    .updateTable('job_runs')
    .set({ status: 'failed', finished_at: new Date(), error: ABANDONED })
    .where('company_id', '=', companyId)
    .where('kind', '=', kind)
    .where('status', '=', 'running')
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}

/**
 * Closes the runs of every (kind, company) left `running` with no lease held any more: the process
 * running them died (or lost its lease, and can no longer write; it records its own end). Otherwise such
 * a run stays `running` until the next run of its kind takes the lease, which never comes when the kind
 * is switched off and takes up to the schedule's interval otherwise. A run that has just taken its lease
 * holds it, so it is never closed here.
 */
export async function closeRunsWithoutLease(db: Db): Promise<number> {
  const result = await db
    .updateTable('job_runs')
    .set({ status: 'failed', finished_at: new Date(), error: ABANDONED })
    .where('status', '=', 'running')
    .where(({ not, exists, selectFrom }) =>
      not(
        exists(
          selectFrom('job_leases')
            .select('job_leases.kind')
            .whereRef('job_leases.kind', '=', 'job_runs.kind')
            .whereRef('job_leases.company_id', '=', 'job_runs.company_id')
            .where('job_leases.expires_at', '>', sql<Date>`now()`),
        ),
      ),
    )
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}

/** When the company's last successful run of this kind started, or null when none has succeeded. */
export async function lastSuccessfulRunStart(db: Db, companyId: number, kind: JobKind): Promise<Date | null> {
  const row = await db
    .selectFrom('job_runs')
    .select((eb) => eb.fn.max('started_at').as('started_at'))
    .where('company_id', '=', companyId)
    .where('kind', '=', kind)
    .where('status', '=', 'succeeded')
    .executeTakeFirst();
  return row?.started_at ?? null;
}

/** Each kind's latest run of the company (kinds never run are absent). */
export async function lastRunPerKind(db: Db, companyId: number): Promise<Map<JobKind, JobRun>> {
  const rows = await db
    .selectFrom('job_runs')
    .selectAll()
    .distinctOn('kind')
    .where('company_id', '=', companyId)
    .orderBy('kind')
    .orderBy('started_at', 'desc')
    .orderBy('id', 'desc')
    .execute();
  return new Map(rows.map((row) => [row.kind, toJobRun(row)]));
}
