import type { Company } from '../companies/companies.service.js';
import type { AppContext } from '../context.js';
import type { Logger } from '../shared/logger.js';
import type { RunCounts } from './job-runs.table.js';
import type { JobKind, Trigger } from './kinds.js';

export interface JobContext {
  app: AppContext;
  company: Company;
  kind: JobKind;
  trigger: Trigger;
  runId: number;
  logger: Logger;
  /** Aborted when the process is shutting down; long loops stop at the next safe point. */
  signal: AbortSignal;
  /** Queues a later run of a job for this company (a feed to follow up, throttled work to resume). */
  enqueueLater(kind: JobKind, delayMs: number): Promise<void>;
}

/** One job's work; returns the counts recorded on its run. Must be safe to run twice or be killed mid-way. */
export type JobHandler = (context: JobContext) => Promise<RunCounts>;

export type JobHandlers = Record<JobKind, JobHandler>;
