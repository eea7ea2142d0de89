import { UnrecoverableError, Worker, type Job } from 'bullmq';
import { isConnectionFailure } from '../shared/stores.js';
import type { AppContext } from '../context.js';
import type { Redis } from '../shared/redis.js';
import type { JobHandlers } from './handlers.js';
import { JOB_KINDS, type JobKind } from './kinds.js';
import { jobPayloadSchema, queueName, type JobPayload, type JobQueues } from './queues.js';
import { runJob } from './run-job.js';

/**
 * How closing the workers ended: every running job finished (`drained`); running jobs were told to
 * stop and did (`stopped`); or some did not settle even then (`abandoned`): their connections must be
 * left open (BullMQ retries forever on closed ones) and the process exits with them pending.
 */
export type WorkersClosed = 'drained' | 'stopped' | 'abandoned';

export interface JobWorkers {
  workers: Worker<JobPayload>[];
  /**
   * Stops taking jobs and waits `graceMs` for running ones to finish; then tells them to stop (their
   * signal aborts) and waits `settleMs` more for them to record how they ended.
   */
  close(graceMs: number, settleMs: number): Promise<WorkersClosed>;
}

function within<T>(work: Promise<T>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), ms)));
  return Promise.race([work.then(() => true as const), timedOut]).finally(() => clearTimeout(timer));
}

export function startWorkers(
  app: AppContext,
  queues: JobQueues,
  connection: Redis,
  handlers: JobHandlers,
): JobWorkers {
  const shutdown = new AbortController();
  const process = (kind: JobKind) => async (job: Job<JobPayload>) => {
    const payload = jobPayloadSchema.safeParse(job.data);
    if (!payload.success)
      throw new UnrecoverableError(`invalid job data for ${kind}: ${payload.error.message}`);
    const outcome = await runJob(app, queues, handlers, {
      kind,
      companyId: payload.data.companyId,
      trigger: payload.data.trigger,
      queueJobId: job.id,
      signal: shutdown.signal,
    });
    if (outcome.status === 'failed') throw outcome.error;
    return { status: outcome.status, runId: outcome.run?.id ?? null };
  };

  const workers = JOB_KINDS.map((kind) => {
    const worker = new Worker<JobPayload>(queueName(kind), process(kind), {
      connection,
      prefix: app.config.redisPrefix,
      concurrency: app.config.workerConcurrency,
    });
    worker.on('error', (err) => {
      // An outage is logged once per reconnection attempt by the main connection's watch, without a stack.
      if (isConnectionFailure(err))
        app.logger.debug({ queue: kind, reason: err.message }, 'worker lost Redis');
      else app.logger.error({ err, queue: kind }, 'worker error');
    });
    return worker;
  });

  return {
    workers,
    async close(graceMs, settleMs) {
      // Waits for the running jobs, then closes each worker's own connections; ours stay open meanwhile.
      const closed = Promise.all(workers.map((worker) => worker.close()));
      if (await within(closed, graceMs)) return 'drained';
      shutdown.abort();
      app.logger.warn({ settleMs }, 'shutdown timeout reached: running jobs are told to stop');
      return (await within(closed, settleMs)) ? 'stopped' : 'abandoned';
    },
  };
}
