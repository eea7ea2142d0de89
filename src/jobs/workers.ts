import { UnrecoverableError, Worker, type Job } from 'bullmq';
import { isConnectionFailure } from '../shared/stores.js';
import type { AppContext } from '../context.js';
import type { Redis } from '../shared/redis.js';
import type { JobHandlers } from './handlers.js';
import { JOB_KINDS, type JobKind } from './kinds.js';
import { jobPayloadSchema, queueName, type JobPayload, type JobQueues } from './queues.js';
import { runJob } from './run-job.js';

export interface JobWorkers {
  workers: Worker<JobPayload>[];
  /**
   * Stops taking jobs and waits for running ones. After `timeoutMs` it stops waiting: running jobs are
   * told to stop (their signal aborts) and, once this process exits and their lock lapses, BullMQ's stall
   * recovery gives them to another worker.
   */
  close(timeoutMs: number): Promise<'drained' | 'forced'>;
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
    async close(timeoutMs) {
      let timer: NodeJS.Timeout | undefined;
      const drained = Promise.all(workers.map((worker) => worker.close())).then(() => 'drained' as const);
      const timedOut = new Promise<'forced'>((resolve) => {
        timer = setTimeout(() => resolve('forced'), timeoutMs);
      });
      const result = await Promise.race([drained, timedOut]);
      clearTimeout(timer);
      // BullMQ's close() is already under way and close(true) would only wait for it again.
      if (result === 'forced') shutdown.abort();
      return result;
    },
  };
}
