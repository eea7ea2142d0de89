import { Queue } from 'bullmq';
import { z } from 'zod';
import type { Redis } from '../shared/redis.js';
import { JOB_KINDS, TRIGGERS, type JobKind } from './kinds.js';

/** What a queued job carries: ids only, never secrets or buyer data. */
export const jobPayloadSchema = z.object({
  companyId: z.number().int().positive(),
  trigger: z.enum(TRIGGERS),
});
export type JobPayload = z.infer<typeof jobPayloadSchema>;

export function queueName(kind: JobKind): string {
  return kind;
}

export type JobQueues = Record<JobKind, Queue<JobPayload>>;

/**
 * The queues on one connection. A queue re-emits its connection's errors; `onError` receives them (a queue
 * without a listener prints each one with its stack).
 */
export function createQueues(
  connection: Redis,
  prefix: string,
  onError: (err: Error) => void = () => undefined,
): JobQueues {
  const entries = JOB_KINDS.map((kind) => {
    const queue = new Queue<JobPayload>(queueName(kind), {
      connection,
      prefix,
      defaultJobOptions: {
        removeOnComplete: { age: 7 * 24 * 3600, count: 1000 },
        removeOnFail: { age: 30 * 24 * 3600, count: 5000 },
      },
    });
    queue.on('error', onError);
    return [kind, queue];
  });
  return Object.fromEntries(entries) as JobQueues;
}

export async function closeQueues(queues: JobQueues): Promise<void> {
  await Promise.all(Object.values(queues).map((queue) => queue.close()));
}

/**
 * Queues a run now. While one manual run of (company, kind) is waiting or running, another request is
 * folded into it rather than queued again.
 */
export async function enqueueManualRun(queues: JobQueues, kind: JobKind, companyId: number): Promise<string> {
  const job = await queues[kind].add(
    kind,
    { companyId, trigger: 'manual' },
    { deduplication: { id: `manual-${companyId}` } },
  );
  return job.id ?? '';
}

/**
 * Queues a run of (company, kind) after `delayMs` (a feed to look at again, a throttled job to resume).
 * Requests within the same delay window fold into one job.
 */
export async function enqueueDelayedRun(
  queues: JobQueues,
  kind: JobKind,
  companyId: number,
  delayMs: number,
  options: { yieldToDueRuns?: boolean } = {},
): Promise<void> {
  await queues[kind].add(
    kind,
    { companyId, trigger: 'schedule' },
    {
      delay: delayMs,
      deduplication: { id: `delayed-${companyId}`, ttl: Math.max(delayMs, 1) },
      // BullMQ takes jobs without a priority before any with one: such a run waits for the due ones.
      ...(options.yieldToDueRuns ? { priority: 1 } : {}),
    },
  );
}
