import { JOB_KINDS, type JobKind } from './kinds.js';
import type { JobQueues } from './queues.js';

/** What each BullMQ queue holds: jobs per state, the delayed ones with when they run, the last failures. */
export const QUEUE_STATES = ['waiting', 'prioritized', 'active', 'delayed', 'failed', 'completed'] as const;

export interface QueueOverview {
  kind: JobKind;
  counts: Record<(typeof QUEUE_STATES)[number], number>;
  delayed: { id: string; companyId: number; trigger: string; runsAt: Date }[];
  failed: { id: string; companyId: number; failedAt: Date | null; reason: string }[];
}

export async function queueOverview(queues: JobQueues, listed = 20): Promise<QueueOverview[]> {
  return Promise.all(
    JOB_KINDS.map(async (kind) => {
      const queue = queues[kind];
      const counts = await queue.getJobCounts(...QUEUE_STATES);
      const delayed = await queue.getDelayed(0, listed - 1);
      const failed = await queue.getFailed(0, listed - 1);
      return {
        kind,
        counts: Object.fromEntries(QUEUE_STATES.map((s) => [s, counts[s] ?? 0])) as QueueOverview['counts'],
        delayed: delayed.map((job) => ({
          id: job.id ?? '',
          companyId: job.data.companyId,
          trigger: job.data.trigger,
          runsAt: new Date(job.timestamp + (job.delay ?? 0)),
        })),
        failed: failed.map((job) => ({
          id: job.id ?? '',
          companyId: job.data.companyId,
          failedAt: job.finishedOn ? new Date(job.finishedOn) : null,
          reason: job.failedReason ?? '',
        })),
      };
    }),
  );
}
