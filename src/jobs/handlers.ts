import type { Company } from '../companies/companies.service.js';
import type { AppContext } from '../context.js';
import type { Db } from '../db/client.js';
import type { Logger } from '../shared/logger.js';
import type { JobKind, Trigger } from './kinds.js';
import type { RunResult } from './run-result.js';

export interface JobContext {
  app: AppContext;
  /**
   * The database as this run may write to it: every write first checks that the run still holds its
   * (kind, company) lease, and fails with `LeaseLost` when it does not. The run's work writes through it.
   */
  db: Db;
  company: Company;
  kind: JobKind;
  trigger: Trigger;
  runId: number;
  logger: Logger;
  /** Aborted when the process is shutting down or the run lost its lease; long loops stop at the next safe point. */
  signal: AbortSignal;
  /** Queues a later run of a job for this company (a feed to follow up, throttled work to resume). */
  enqueueLater(kind: JobKind, delayMs: number): Promise<void>;
  /**
   * Where long work is: its counts so far are written to the run's row (`runs` shows them while it
   * runs) and the message goes to whoever started the run (`sellersync run` prints it). Never throws.
   */
  progress(counts: object, message: string): Promise<void>;
}

/** One job's work and how it ended, with its counts. Must be safe to run twice or be killed mid-way. */
export type JobHandler<Counts extends object = object> = (context: JobContext) => Promise<RunResult<Counts>>;

/** A handler for every kind; `CountsByKind` says what each kind's runs count (declared at the wiring). */
export type JobHandlers<CountsByKind extends Record<JobKind, object> = Record<JobKind, object>> = {
  [K in JobKind]: JobHandler<CountsByKind[K]>;
};
