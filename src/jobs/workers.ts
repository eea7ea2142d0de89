import { UnrecoverableError, Worker, type Job } from 'bullmq';
import { isConnectionFailure } from '../shared/stores.js';
import type { AppContext } from '../context.js';
import { isRedisFailure, type Redis } from '../shared/redis.js';
import type { JobHandlers } from './handlers.js';
import { JOB_KINDS, type JobKind } from './kinds.js';
import { jobPayloadSchema, queueName, type JobPayload, type JobQueues } from './queues.js';
import { runJob } from './run-job.js';

export interface JobWorkers {
  workers: Worker<JobPayload>[];
  /** Jobs running now. */
  running(): number;
  /**
   * Tells the running jobs to stop (their signal aborts: every wait of the Amazon gateway ends at once),
   * takes no new jobs, and resolves once every running job has settled (recorded how it ended, and
   * BullMQ completed it) and each worker's own connections closed. Ours stay open meanwhile: closing
   * them under BullMQ makes it retry forever.
   */
  close(): Promise<void>;
}

export function startWorkers(
  app: AppContext,
  queues: JobQueues,
  connection: Redis,
  handlers: JobHandlers,
): JobWorkers {
  const shutdown = new AbortController();
  let running = 0;
  const process = (kind: JobKind) => async (job: Job<JobPayload>) => {
    const payload = jobPayloadSchema.safeParse(job.data);
    if (!payload.success)
      throw new UnrecoverableError(`invalid job data for ${kind}: ${payload.error.message}`);
    running += 1;
    try {
      const outcome = await runJob(app, queues, handlers, {
        kind,
        companyId: payload.data.companyId,
        trigger: payload.data.trigger,
        queueJobId: job.id,
        signal: shutdown.signal,
      });
      if (outcome.status === 'failed') throw outcome.error;
      return { status: outcome.status, runId: outcome.run?.id ?? null };
    } finally {
      running -= 1;
    }
  };

  const workers = JOB_KINDS.map((kind) => {
    const worker = new Worker<JobPayload>(queueName(kind), process(kind), {
      connection,
      prefix: app.config.queuePrefix,
      concurrency: app.config.workerConcurrency,
    });
    worker.on('error', (err) => {
      // An outage is logged once per reconnection attempt by the main connection's watch, without a stack.
      if (isConnectionFailure(err))
        app.logger.debug({ queue: kind, reason: err.message }, 'worker lost Redis');
      // Redis refusing writes (maxmemory, a read-only replica): BullMQ tries again by itself.
      else if (isRedisFailure(err))
        app.logger.warn({ queue: kind, reason: err.message }, 'Redis refused a worker command; retrying');
      else app.logger.error({ err, queue: kind }, 'worker error');
    });
    return worker;
  });

  return {
    workers,
    running: () => running,
    async close() {
      shutdown.abort();
      await Promise.all(workers.map((worker) => worker.close()));
    },
  };
}
