import type { ColumnType, Generated, Selectable } from 'kysely';
import type { JobKind, Trigger } from './kinds.js';

export const RUN_STATUSES = ['running', 'succeeded', 'failed', 'skipped', 'deferred', 'stopped'] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];

export type RunCounts = Record<string, number>;

export interface JobRunsTable {
  id: Generated<number>;
  company_id: number;
  kind: JobKind;
  trigger: Trigger;
  status: RunStatus;
  started_at: ColumnType<Date, Date | undefined, Date>;
  finished_at: Date | null;
  counts: ColumnType<RunCounts, string | undefined, string>;
  error: string | null;
  queue_job_id: string | null;
}

export type JobRunRow = Selectable<JobRunsTable>;
