import type { ColumnType, Generated, Selectable } from 'kysely';
import type { JobKind, Trigger } from './kinds.js';

export const RUN_STATUSES = ['running', 'succeeded', 'failed', 'skipped', 'deferred', 'stopped'] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];

/** The counts of a run as stored, whatever its kind (each kind's are declared with its handler). */
export type StoredRunCounts = Readonly<Record<string, number>>;

export interface JobRunsTable {
  id: Generated<number>;
  company_id: number;
  kind: JobKind;
  trigger: Trigger;
  status: RunStatus;
  started_at: ColumnType<Date, Date | undefined, Date>;
  finished_at: Date | null;
  counts: ColumnType<StoredRunCounts, string | undefined, string>;
  error: string | null;
  queue_job_id: string | null;
}

export type JobRunRow = Selectable<JobRunsTable>;
