import { sql } from 'kysely';
import { findCompanyRow } from '../companies/companies.repository.js';
import { toCompany, type Company } from '../companies/companies.service.js';
import type { AppContext } from '../context.js';
import { coerceError } from '../shared/errors.js';
import type { JobHandlers } from './handlers.js';
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
        const error = coerceError(thrown);
        const run = await finishRun(app.db, started.id, 'failed', {}, error.message);
        runLogger.error({ err: error }, 'run failed');
        return { status: 'failed', run, error };
      }
    } finally {
      await sql`SELECT pg_advisory_unlock(${lockKey(kind)}, ${companyId}::int)`.execute(connection);
    }
  });
}
