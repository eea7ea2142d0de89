import { Counter, Histogram, Registry } from 'prom-client';

/**
 * The process's Prometheus registry and the instruments counted where things happen (the Amazon gateway,
 * the job runner). Figures read from Postgres and Redis at scrape time are added by the admin server.
 */
export const metricsRegistry = new Registry();

export const amazonCalls = new Counter({
  name: 'sellersync_amazon_calls_total',
  help: 'SP-API requests sent, by operation and HTTP status (or the failure when no status came back)',
  labelNames: ['operation', 'status'] as const,
  registers: [metricsRegistry],
});

export const amazonThrottled = new Counter({
  name: 'sellersync_amazon_throttled_total',
  help: 'SP-API answers 429 (throttled), by operation',
  labelNames: ['operation'] as const,
  registers: [metricsRegistry],
});

export const rateLimitWaits = new Histogram({
  name: 'sellersync_rate_limit_wait_seconds',
  help: 'Time spent waiting for a token of the shared rate-limit bucket before a call, by operation',
  labelNames: ['operation'] as const,
  buckets: [0.01, 0.1, 0.5, 1, 2, 5, 10, 30, 60, 120, 300],
  registers: [metricsRegistry],
});

export const jobRuns = new Counter({
  name: 'sellersync_job_runs_total',
  help: 'Job runs ended in this process, by kind and status',
  labelNames: ['kind', 'status'] as const,
  registers: [metricsRegistry],
});

export const jobRunDurations = new Histogram({
  name: 'sellersync_job_run_duration_seconds',
  help: 'How long job runs took, by kind and status',
  labelNames: ['kind', 'status'] as const,
  buckets: [0.1, 0.5, 1, 2, 5, 10, 30, 60, 120, 300, 900, 1800],
  registers: [metricsRegistry],
});

export const ordersDownloaded = new Counter({
  name: 'sellersync_orders_downloaded_total',
  help: 'Orders stored by order downloads in this process, by company',
  labelNames: ['company_id'] as const,
  registers: [metricsRegistry],
});
