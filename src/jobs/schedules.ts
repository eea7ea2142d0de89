import { Queue } from 'bullmq';
import type { Company } from '../companies/companies.service.js';
import type { Logger } from '../shared/logger.js';
import type { Redis } from '../shared/redis.js';
import { JOB_KINDS, RETIRED_JOB_KINDS, scheduleInterval, type JobKind } from './kinds.js';
import { enqueueDelayedRun, type JobQueues } from './queues.js';

/**
 * Schedules are derived from Postgres: for every company and every job it allows, one BullMQ job
 * scheduler repeating every N minutes. Reconciling is idempotent and restores everything after Redis
 * loses its data.
 */

export function schedulerId(companyId: number): string {
  return `company-${companyId}`;
}

function companyIdOf(id: string): number | undefined {
  const match = /^company-(\d+)$/.exec(id);
  return match ? Number(match[1]) : undefined;
}

export interface ScheduleChanges {
  upserted: number;
  removed: number;
}

const GOLDEN_RATIO_FRACTION = 0.6180339887498949;

/**
 * Where in its interval a company's runs of a kind come due, in ms from the interval's start (BullMQ's
 * `offset`). Consecutive company ids fall far apart (the golden-ratio sequence) and each kind is shifted
 * further, so a thousand companies' runs spread over the interval instead of all coming due at the
 * instant their schedules were made, where they would wait for one another.
 */
export function scheduleOffsetMs(companyId: number, kind: JobKind, everyMs: number): number {
  const position = (companyId * GOLDEN_RATIO_FRACTION + JOB_KINDS.indexOf(kind) / JOB_KINDS.length) % 1;
  return Math.floor(position * everyMs);
}

/** Creates, updates or removes one schedule; true when it was removed. */
async function applySchedule(queues: JobQueues, kind: JobKind, company: Company): Promise<boolean> {
  const queue = queues[kind];
  const id = schedulerId(company.id);
  const minutes = scheduleInterval(company, kind);
  if (minutes === null) return queue.removeJobScheduler(id);
  const every = minutes * 60_000;
  const isNew = (await queue.getJobScheduler(id)) === undefined;
  await queue.upsertJobScheduler(
    id,
    // An offset of 0 means "now" to BullMQ; 1 ms stands for the interval's start.
    { every, offset: Math.max(1, scheduleOffsetMs(company.id, kind, every)) },
    { name: kind, data: { companyId: company.id, trigger: 'schedule' } },
  );
  // A schedule just made (a company added, a job switched on, Redis emptied) runs once at once rather
  // than waiting for its place in the interval; schedules that already exist keep their spread. Made
  // for a thousand companies at once (a first start, Redis emptied), these runs queue up: they yield to
  // the runs coming due meanwhile, so those keep their time.
  if (isNew) await enqueueDelayedRun(queues, kind, company.id, 0, { yieldToDueRuns: true });
  return false;
}

/** Brings the schedules of one company in line with its settings (after a change). */
export async function reconcileCompanySchedules(queues: JobQueues, company: Company): Promise<void> {
  for (const kind of JOB_KINDS) await applySchedule(queues, kind, company);
}

/** Removes every schedule of a company (after it was removed). */
export async function removeCompanySchedules(queues: JobQueues, companyId: number): Promise<void> {
  for (const kind of JOB_KINDS) await queues[kind].removeJobScheduler(schedulerId(companyId));
}

/** Brings all schedules in line with all companies: at start, periodically, and on demand. */
export async function reconcileAllSchedules(
  queues: JobQueues,
  companies: Company[],
  logger: Logger,
): Promise<ScheduleChanges> {
  const known = new Set(companies.map((company) => company.id));
  const changes: ScheduleChanges = { upserted: 0, removed: 0 };
  for (const kind of JOB_KINDS) {
    for (const company of companies) {
      if (await applySchedule(queues, kind, company)) changes.removed += 1;
      else if (scheduleInterval(company, kind) !== null) changes.upserted += 1;
    }
    for (const scheduler of await queues[kind].getJobSchedulers(0, -1)) {
      const id = scheduler.key;
      const companyId = companyIdOf(id);
      if (companyId === undefined || !known.has(companyId)) {
        await queues[kind].removeJobScheduler(id);
        changes.removed += 1;
      }
    }
  }
  logger.debug(changes, 'schedules reconciled');
  return changes;
}

/** Deletes the queues (schedules and queued jobs) of kinds withdrawn since: nothing would ever work them. */
export async function removeRetiredQueues(
  connection: Redis,
  prefix: string,
  kinds: readonly string[] = RETIRED_JOB_KINDS,
): Promise<void> {
  for (const kind of kinds) {
    const queue = new Queue(kind, { connection, prefix });
    try {
      await queue.obliterate({ force: true });
    } finally {
      await queue.close();
    }
  }
}

export interface ScheduleView {
  kind: JobKind;
  companyId: number;
  everyMinutes: number;
  next: Date | null;
}

export async function listSchedules(queues: JobQueues): Promise<ScheduleView[]> {
  const views: ScheduleView[] = [];
  for (const kind of JOB_KINDS) {
    for (const scheduler of await queues[kind].getJobSchedulers(0, -1)) {
      const companyId = companyIdOf(scheduler.key);
      if (companyId === undefined) continue;
      views.push({
        kind,
        companyId,
        everyMinutes: Number(scheduler.every ?? 0) / 60_000,
        next: scheduler.next ? new Date(scheduler.next) : null,
      });
    }
  }
  return views;
}
