import { sql } from 'kysely';
import { isAmazonError } from '../amazon/errors.js';
import { findCompanyRow } from '../companies/companies.repository.js';
import {
  getCompany,
  markNeedsReauthorization,
  toCompany,
  type Company,
} from '../companies/companies.service.js';
import type { AppContext } from '../context.js';
import { StoppedError } from '../shared/abort.js';
import { coerceError } from '../shared/errors.js';
import type { JobHandlers } from './handlers.js';
import { reconcileCompanySchedules } from './schedules.js';
import { closeAbandonedRuns, finishRun, insertRun, type JobRun } from './job-runs.repository.js';
import { enqueueDelayedRun, type JobQueues } from './queues.js';
import { isJobAllowed, JOB_KIND_DEFINITIONS, JOB_KINDS, type JobKind, type Trigger } from './kinds.js';

export interface RunRequest {
  kind: JobKind;
  companyId: number;
  trigger: Trigger;
  queueJobId?: string | undefined;
  signal?: AbortSignal | undefined;
}

export type RunOutcome =
  | { status: 'succeeded'; run: JobRun }
  | { status: 'failed'; run: JobRun; error: Error }
  | { status: 'deferred'; run: JobRun; retryAfterMs: number }
  | { status: 'stopped'; run: JobRun }
  | { status: 'skipped'; run: JobRun | null; reason: string };

/** Advisory-lock key of (kind, company): at most one run of it at a time across every process. */
function lockKey(kind: JobKind): number {
  return 73_000 + JOB_KINDS.indexOf(kind);
}

function disallowedReason(company: Company, kind: JobKind): string {
  if (company.authStatus !== 'active') return `company ${company.id} needs reauthorization`;
  return `${JOB_KIND_DEFINITIONS[kind].setting ?? kind} is off for company ${company.id}`;
}

/**
 * Runs one job for one company, recorded in job_runs. Both the worker and `sellersync run` come through
 * here. The (company, kind) lock is a session advisory lock on a connection of its own: a second trigger
 * while a run holds it is coalesced (recorded as skipped), and a process that dies releases it.
 */
export async function runJob(
  app: AppContext,
  queues: JobQueues,
  handlers: JobHandlers,
  request: RunRequest,
): Promise<RunOutcome> {
  const { kind, companyId, trigger } = request;
  const logger = app.logger.child({ job: kind, companyId, trigger, queueJobId: request.queueJobId });
  return app.db.connection().execute(async (connection) => {
    const locked = await sql<{ locked: boolean }>`
      SELECT pg_try_advisory_lock(${lockKey(kind)}, ${companyId}::int) AS locked`.execute(connection);
    const companyRow = await findCompanyRow(app.db, companyId);
    if (!locked.rows[0]?.locked) {
      const reason = 'coalesced: a run of this job for this company is already in progress';
      const run = companyRow ? await insertRun(app.db, request, 'skipped', reason) : null;
      logger.info({ reason }, 'run skipped');
      return { status: 'skipped', run, reason };
    }
    try {
      if (!companyRow) {
        logger.warn('run skipped: the company no longer exists');
        return { status: 'skipped', run: null, reason: `company ${companyId} not found` };
      }
      const company = toCompany(companyRow);
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
      runLogger.info('run started');
      try {
        const counts = await handlers[kind]({
          app,
          company,
          kind,
          trigger,
          runId: started.id,
          logger: runLogger,
          signal: request.signal ?? new AbortController().signal,
          enqueueLater: (laterKind, delayMs) => enqueueDelayedRun(queues, laterKind, companyId, delayMs),
        });
        const run = await finishRun(app.db, started.id, 'succeeded', counts);
        runLogger.info({ counts }, 'run succeeded');
        return { status: 'succeeded', run };
      } catch (thrown) {
        return await settleFailure(app, queues, { request, runId: started.id, logger: runLogger }, thrown);
      }
    } finally {
      await sql`SELECT pg_advisory_unlock(${lockKey(kind)}, ${companyId}::int)`.execute(connection);
    }
  });
}

function stopReason(error: Error): string {
  return error instanceof StoppedError ? error.message : `stopped for shutdown (${error.message})`;
}

/** Amazon throttled the job longer than a call may wait: try again later, without counting a failure. */
const MIN_DEFER_MS = 1_000;

interface FailedRun {
  request: RunRequest;
  runId: number;
  logger: AppContext['logger'];
}

/**
 * How a run that threw ends. Stopped by shutdown: stopped, nothing else. Throttled by Amazon: deferred and queued again after Amazon's wait.
 * Authorization revoked: the company is marked needs_reauthorization (logged once, by the run that
 * marked it) and its schedules are removed; other companies carry on. Anything else: failed.
 */
async function settleFailure(
  app: AppContext,
  queues: JobQueues,
  failed: FailedRun,
  thrown: unknown,
): Promise<RunOutcome> {
  const { request, runId, logger } = failed;
  const error = coerceError(thrown);
  // Whatever was thrown once shutdown began (a wait ended early, a request abandoned) is the stop itself.
  if (request.signal?.aborted === true || thrown instanceof StoppedError) {
    const run = await finishRun(app.db, runId, 'stopped', {}, stopReason(error));
    logger.info({ reason: run.error }, 'run stopped for shutdown; the next run resumes it');
    return { status: 'stopped', run };
  }
  if (isAmazonError(thrown, 'throttled')) {
    const retryAfterMs = Math.max(MIN_DEFER_MS, thrown.retryAfterMs ?? 0);
    await enqueueDelayedRun(queues, request.kind, request.companyId, retryAfterMs);
    const run = await finishRun(app.db, runId, 'deferred', {}, error.message);
    logger.warn(
      { operation: thrown.operation, retryAfterMs },
      'run deferred: amazon is throttling this seller',
    );
    return { status: 'deferred', run, retryAfterMs };
  }
  const run = await finishRun(app.db, runId, 'failed', {}, error.message);
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
