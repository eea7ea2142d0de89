import { isAmazonError } from '../amazon/errors.js';
import { findCompanyRow } from '../companies/companies.repository.js';
import {
  getCompany,
  markNeedsReauthorization,
  toCompany,
  type Company,
} from '../companies/companies.service.js';
import type { AppContext } from '../context.js';
import { withWriteFence } from '../db/client.js';
import { StoppedError } from '../shared/abort.js';
import { coerceError } from '../shared/errors.js';
import { jobRunDurations, jobRuns } from '../shared/metrics.js';
import type { Logger } from '../shared/logger.js';
import type { JobHandlers } from './handlers.js';
import { reconcileCompanySchedules } from './schedules.js';
import {
  closeAbandonedRuns,
  finishRun,
  insertRun,
  updateRunningCounts,
  type JobRun,
} from './job-runs.repository.js';
import {
  acquireLease,
  keepLease,
  leaseFence,
  LeaseLost,
  newHolder,
  releaseLease,
  renewLease,
  type Lease,
} from './leases.js';
import { enqueueDelayedRun, type JobQueues } from './queues.js';
import { isJobAllowed, JOB_KIND_DEFINITIONS, type JobKind, type Trigger } from './kinds.js';
import type { RunResult } from './run-result.js';

export interface RunRequest {
  kind: JobKind;
  companyId: number;
  trigger: Trigger;
  queueJobId?: string | undefined;
  signal?: AbortSignal | undefined;
  /** Told of the run's progress as it goes (see JobContext.progress). */
  onProgress?: ((message: string, counts: object) => void) | undefined;
  /** A run stopped by its signal is queued again (shutdown) unless this is false (an interrupted `run`). */
  requeueWhenStopped?: boolean | undefined;
}

export type RunOutcome =
  | { status: 'succeeded'; run: JobRun }
  | { status: 'failed'; run: JobRun; error: Error }
  | { status: 'deferred'; run: JobRun; reason: string; retryAfterMs?: number }
  | { status: 'stopped'; run: JobRun; reason: string }
  | { status: 'skipped'; run: JobRun | null; reason: string };

/** A run stopped by shutdown is queued again this soon, for whichever process is up by then. */
const STOPPED_REQUEUE_MS = 1_000;

function disallowedReason(company: Company, kind: JobKind): string {
  if (company.authStatus === 'needs_reauthorization') return `company ${company.id} needs reauthorization`;
  return `${JOB_KIND_DEFINITIONS[kind].setting ?? kind} is off for company ${company.id}`;
}

/**
 * Runs one job for one company, recorded in job_runs. Both the worker and `sellersync run` come through
 * here. A run holds the (kind, company) lease (`leases.ts`) while it works: a second trigger meanwhile is
 * coalesced (recorded as skipped), and every write of the run is fenced by the lease.
 */
export async function runJob(
  app: AppContext,
  queues: JobQueues,
  handlers: JobHandlers,
  request: RunRequest,
): Promise<RunOutcome> {
  const { kind, companyId, trigger } = request;
  const logger = app.logger.child({ job: kind, companyId, trigger, queueJobId: request.queueJobId });
  const companyRow = await findCompanyRow(app.db, companyId);
  if (!companyRow) {
    logger.warn('run skipped: the company no longer exists');
    return { status: 'skipped', run: null, reason: `company ${companyId} not found` };
  }
  const key = { kind, companyId };
  const holder = newHolder();
  try {
    const lease = await acquireLease(app.db, key, holder, app.config.jobLeaseMs);
    if (!lease) {
      const reason = 'coalesced: a run of this job for this company is already in progress';
      const run = await insertRun(app.db, request, 'skipped', reason);
      logger.info({ reason }, 'run skipped');
      return { status: 'skipped', run, reason };
    }
    const outcome = await runLeased(app, queues, handlers, {
      request,
      company: toCompany(companyRow),
      lease,
      logger,
    });
    countRun(kind, outcome);
    return outcome;
  } finally {
    // By holder: frees the lease even if taking it succeeded but its answer was lost on the way back.
    await releaseLease(app.db, key, holder).catch((err: unknown) =>
      logger.warn({ err }, 'the run lease could not be released; it lapses by itself'),
    );
  }
}

function countRun(kind: JobKind, outcome: RunOutcome): void {
  jobRuns.inc({ kind, status: outcome.status });
  const run = outcome.run;
  if (run?.finishedAt) {
    const seconds = (run.finishedAt.getTime() - run.startedAt.getTime()) / 1000;
    jobRunDurations.observe({ kind, status: outcome.status }, Math.max(0, seconds));
  }
}

interface LeasedRun {
  request: RunRequest;
  company: Company;
  lease: Lease;
  logger: Logger;
}

async function runLeased(
  app: AppContext,
  queues: JobQueues,
  handlers: JobHandlers,
  { request, company, lease, logger }: LeasedRun,
): Promise<RunOutcome> {
  const { kind, companyId, trigger } = request;
  const abandoned = await closeAbandonedRuns(app.db, companyId, kind);
  if (abandoned > 0) logger.warn({ abandoned }, 'closed runs left unfinished by a stopped process');
  if (!isJobAllowed(company, kind)) {
    const reason = disallowedReason(company, kind);
    const run = await insertRun(app.db, request, 'skipped', reason);
    logger.info({ reason }, 'run skipped');
    return { status: 'skipped', run, reason };
  }
  const started = await insertRun(app.db, request, 'running');
  const runLogger = logger.child({ runId: started.id });
  runLogger.info({ leaseToken: lease.token }, 'run started');
  const keeper = keepLease(app.db, lease, app.config.jobLeaseMs, runLogger);
  const shutdown = request.signal ?? new AbortController().signal;
  const ended: EndedRun = { app, queues, request, runId: started.id, logger: runLogger, counts: {} };
  try {
    const result: RunResult<object> = await handlers[kind]({
      app,
      db: withWriteFence(app.db, leaseFence(lease)),
      company,
      kind,
      trigger,
      runId: started.id,
      logger: runLogger,
      signal: AbortSignal.any([shutdown, keeper.lost]),
      enqueueLater: (laterKind, delayMs) => enqueueDelayedRun(queues, laterKind, companyId, delayMs),
      progress: (counts, message) => recordProgress(ended, counts, message),
    });
    // Its writes may have been refused meanwhile: a run that no longer holds its lease did not finish.
    keeper.stop();
    if (keeper.lost.aborted || !(await renewLease(app.db, lease, app.config.jobLeaseMs))) {
      return await recordStopped(ended, result.counts, leaseLostReason(keeper.lost));
    }
    return await recordResult(ended, result, shutdown);
  } catch (thrown) {
    // What the run had reported as done stays on its row.
    const { counts } = ended;
    if (keeper.lost.aborted) return await recordStopped(ended, counts, leaseLostReason(keeper.lost));
    if (thrown instanceof LeaseLost)
      return await recordStopped(ended, counts, `lease lost: ${thrown.message}`);
    // Whatever was thrown once shutdown began (a wait ended early, a request abandoned) is the stop itself.
    if (shutdown.aborted || thrown instanceof StoppedError) {
      return await recordStopped(ended, counts, stopReason(coerceError(thrown)), shutdown);
    }
    return await settleFailure(ended, thrown);
  } finally {
    keeper.stop();
  }
}

function leaseLostReason(lost: AbortSignal): string {
  const why = lost.reason instanceof Error ? lost.reason.message : 'it lapsed or was taken over';
  return `lease lost: ${why}; another run may go on`;
}

interface EndedRun {
  app: AppContext;
  queues: JobQueues;
  request: RunRequest;
  runId: number;
  logger: Logger;
  /** The counts last reported through progress. */
  counts: object;
}

async function recordProgress(ended: EndedRun, counts: object, message: string): Promise<void> {
  ended.counts = { ...counts };
  ended.request.onProgress?.(message, ended.counts);
  // The run's own row, outside the lease fence like the rest of its bookkeeping.
  await updateRunningCounts(ended.app.db, ended.runId, ended.counts).catch((err: unknown) =>
    ended.logger.warn({ err }, 'the run progress could not be recorded; the run goes on'),
  );
}

async function recordResult(ended: EndedRun, result: RunResult<object>, shutdown: AbortSignal) {
  const { app, runId, logger } = ended;
  if (result.status === 'stopped') return recordStopped(ended, result.counts, result.reason, shutdown);
  if (result.status === 'deferred') {
    const run = await finishRun(app.db, runId, 'deferred', result.counts, result.reason);
    logger.warn({ counts: result.counts, reason: result.reason }, 'run deferred');
    return { status: 'deferred' as const, run, reason: result.reason };
  }
  const run = await finishRun(app.db, runId, 'succeeded', result.counts);
  logger.info({ counts: result.counts }, 'run succeeded');
  return { status: 'succeeded' as const, run };
}

/** Stopped at a safe point. Stopped for shutdown, it is queued again: the next process takes it up. */
async function recordStopped(
  ended: EndedRun,
  counts: object,
  reason: string,
  shutdown?: AbortSignal,
): Promise<RunOutcome> {
  const { app, queues, request, runId, logger } = ended;
  // A signal aborted with a StoppedError says who stopped the run (`run` interrupted by Ctrl-C).
  const why =
    shutdown?.aborted && shutdown.reason instanceof StoppedError
      ? `${shutdown.reason.message}: ${reason}`
      : reason;
  const run = await finishRun(app.db, runId, 'stopped', counts, why);
  logger.info({ counts, reason: why }, 'run stopped');
  if (shutdown?.aborted && request.requeueWhenStopped !== false) {
    await enqueueDelayedRun(queues, request.kind, request.companyId, STOPPED_REQUEUE_MS).catch(
      (err: unknown) =>
        logger.warn({ err }, 'the stopped run could not be queued again; its next schedule takes it up'),
    );
  }
  return { status: 'stopped', run, reason: why };
}

function stopReason(error: Error): string {
  return error instanceof StoppedError ? error.message : `stopped for shutdown (${error.message})`;
}

/** Amazon throttled the job longer than a call may wait: try again later, without counting a failure. */
const MIN_DEFER_MS = 1_000;

/**
 * How a run that threw, other than for a stop, ends. Throttled by Amazon: deferred and queued again
 * after Amazon's wait.
 * Authorization revoked: the company is marked needs_reauthorization (logged once, by the run that
 * marked it) and its schedules are removed; other companies carry on. Anything else: failed.
 */
async function settleFailure(ended: EndedRun, thrown: unknown): Promise<RunOutcome> {
  const { app, queues, request, runId, logger } = ended;
  const error = coerceError(thrown);
  if (isAmazonError(thrown, 'throttled')) {
    const retryAfterMs = Math.max(MIN_DEFER_MS, thrown.retryAfterMs ?? 0);
    await enqueueDelayedRun(queues, request.kind, request.companyId, retryAfterMs);
    const reason = `throttled by Amazon (${thrown.operation}); queued again in ${retryAfterMs} ms`;
    const run = await finishRun(app.db, runId, 'deferred', {}, reason);
    logger.warn(
      { operation: thrown.operation, retryAfterMs },
      'run deferred: amazon is throttling this seller',
    );
    return { status: 'deferred', run, reason, retryAfterMs };
  }
  const run = await finishRun(app.db, runId, 'failed', ended.counts, error.message);
  if (isAmazonError(thrown, 'authorization_revoked')) {
    if (await markNeedsReauthorization(app.db, request.companyId, error.message)) {
      logger.error(
        { err: error },
        'amazon authorization revoked: company needs reauthorization; its schedules are paused',
      );
    }
    await reconcileCompanySchedules(queues, await getCompany(app.db, request.companyId));
    return { status: 'failed', run, error };
  }
  logger.error({ err: error }, 'run failed');
  return { status: 'failed', run, error };
}

/** How a run ended, as the CLI and the admin API report it. */
export interface RunSummary {
  status: RunOutcome['status'];
  runId: number | null;
  counts: Readonly<Record<string, number>>;
  reason: string | null;
}

export function summarizeOutcome(outcome: RunOutcome): RunSummary {
  return {
    status: outcome.status,
    runId: outcome.run?.id ?? null,
    counts: outcome.run?.counts ?? {},
    reason: outcome.status === 'failed' ? outcome.error.message : 'reason' in outcome ? outcome.reason : null,
  };
}
