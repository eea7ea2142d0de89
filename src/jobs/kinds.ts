/** The kinds of work, each with the company setting that allows it and its schedule. */
export const JOB_KINDS = [
  'order-download',
  'fulfillment-upload',
  'buyer-data-retention',
  'feed-follow-up',
  'cancellation-upload',
  'refund-upload',
  'settlement-reconciliation',
] as const;
export type JobKind = (typeof JOB_KINDS)[number];

/**
 * Kinds once scheduled and since withdrawn until they have work to do; their leftover queues and
 * schedules in Redis are removed at start.
 */
export const RETIRED_JOB_KINDS: readonly string[] = [];

export const TRIGGERS = ['schedule', 'manual'] as const;
export type Trigger = (typeof TRIGGERS)[number];

type Toggle = 'allowOrderDownload' | 'allowFulfillmentUpload' | 'settlementReconciliation';

/** What scheduling needs of a company; the companies domain's `Company` has it (jobs import no domain). */
export type SchedulableCompany = Record<Toggle, boolean> & {
  authStatus: string;
  downloadIntervalMinutes: number;
  uploadIntervalMinutes: number;
};

interface JobKindDefinition {
  /** The company setting that must be on for this job to run; null: always allowed (housekeeping, follow-ups). */
  toggle: Toggle | null;
  /** The same setting as stored and shown to people. */
  setting: string | null;
  /** Minutes between scheduled runs; null: never scheduled, only queued by other work or run by hand. */
  intervalMinutes(company: SchedulableCompany): number | null;
}

const DAILY = 1440;
const SETTLEMENT_CHECK_MINUTES = 360;

export const JOB_KIND_DEFINITIONS: Record<JobKind, JobKindDefinition> = {
  'order-download': {
    toggle: 'allowOrderDownload',
    setting: 'allow_order_download',
    intervalMinutes: (company) => company.downloadIntervalMinutes,
  },
  'fulfillment-upload': {
    toggle: 'allowFulfillmentUpload',
    setting: 'allow_fulfillment_upload',
    intervalMinutes: (company) => company.uploadIntervalMinutes,
  },
  // Erases buyer data past the retention period; runs whatever the toggles say.
  'buyer-data-retention': { toggle: null, setting: null, intervalMinutes: () => DAILY },
  // Follows submitted feeds to their end; queued with a delay by the feed pipeline, never scheduled.
  'feed-follow-up': { toggle: null, setting: null, intervalMinutes: () => null },
  // The operator's cancellations go whatever allow_fulfillment_upload says; the schedule is a safety net
  // behind the run queued when a cancellation is requested.
  'cancellation-upload': {
    toggle: null,
    setting: null,
    intervalMinutes: (company) => company.uploadIntervalMinutes,
  },
  // Like cancellations, the operator's refunds go whatever allow_fulfillment_upload says; queued when a
  // refund's hold ends, scheduled as a safety net.
  'refund-upload': {
    toggle: null,
    setting: null,
    intervalMinutes: (company) => company.uploadIntervalMinutes,
  },
  // Amazon closes a settlement about every 14 days, at no set hour; looking a few times a day is plenty.
  'settlement-reconciliation': {
    toggle: 'settlementReconciliation',
    setting: 'settlement_reconciliation',
    intervalMinutes: () => SETTLEMENT_CHECK_MINUTES,
  },
};

export function isJobKind(value: string): value is JobKind {
  return (JOB_KINDS as readonly string[]).includes(value);
}

/** Whether the company currently allows this kind of job to touch Amazon. */
export function isJobAllowed(company: SchedulableCompany, kind: JobKind): boolean {
  const toggle = JOB_KIND_DEFINITIONS[kind].toggle;
  return company.authStatus !== 'needs_reauthorization' && (toggle === null || company[toggle]);
}

/** Minutes between scheduled runs of this kind for this company, or null when it must not be scheduled. */
export function scheduleInterval(company: SchedulableCompany, kind: JobKind): number | null {
  return isJobAllowed(company, kind) ? JOB_KIND_DEFINITIONS[kind].intervalMinutes(company) : null;
}
