import type { Company } from '../companies/companies.service.js';

/** The kinds of scheduled work, each with the company toggle that allows it and its interval. */
export const JOB_KINDS = ['order-download', 'fulfillment-upload', 'settlement-reconciliation'] as const;
export type JobKind = (typeof JOB_KINDS)[number];

export const TRIGGERS = ['schedule', 'manual'] as const;
export type Trigger = (typeof TRIGGERS)[number];

/** Settlement reports appear every ~14 days; looking every 6 hours finds a new one the day it lands. */
const SETTLEMENT_INTERVAL_MINUTES = 360;

interface JobKindDefinition {
  /** The company setting that must be on for this job to run, as the CLI and API name it. */
  toggle: 'allowOrderDownload' | 'allowFulfillmentUpload' | 'settlementReconciliation';
  /** The same setting as stored and shown to people. */
  setting: string;
  intervalMinutes(company: Company): number;
}

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
  'settlement-reconciliation': {
    toggle: 'settlementReconciliation',
    setting: 'settlement_reconciliation',
    intervalMinutes: () => SETTLEMENT_INTERVAL_MINUTES,
  },
};

export function isJobKind(value: string): value is JobKind {
  return (JOB_KINDS as readonly string[]).includes(value);
}

/** Whether the company currently allows this kind of job to touch Amazon. */
export function isJobAllowed(company: Company, kind: JobKind): boolean {
  return company.authStatus === 'active' && company[JOB_KIND_DEFINITIONS[kind].toggle];
}
