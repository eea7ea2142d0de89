import type { AmazonPortFactory } from './companies/companies.amazon.js';
import type { Config } from './config.js';
import type { Db } from './db/client.js';
import type { Logger } from './shared/logger.js';
import type { Redis } from './shared/redis.js';

/** The long-lived parts every command and job works with. */
export interface AppContext {
  config: Config;
  db: Db;
  /** BullMQ's connection (queues, schedules, workers' own commands). */
  redis: Redis;
  /** The fail-fast connection of the Amazon gateway (rate-limit buckets, cached access tokens). */
  gatewayRedis: Redis;
  logger: Logger;
  /** Builds the Amazon port of a company; the gateway in production, the same gateway against fakes in tests. */
  amazon: AmazonPortFactory;
  /** Our clock as jobs, commands and the admin API read it; the machine's when absent (a test pins it). */
  now?: (() => Date) | undefined;
}

/** The app's clock: the one it was given, or the machine's. */
export function clockOf(app: Pick<AppContext, 'now'>): () => Date {
  return app.now ?? (() => new Date());
}

/**
 * The clock of a process: the machine's, or with CLOCK_START one that read that instant when the process
 * started and runs at real speed from it. A set CLOCK_START is logged as a warning: every deadline and
 * window the process computes is then on that clock, not the machine's.
 */
export function processClock(config: Pick<Config, 'clockStart'>, logger: Logger): () => Date {
  const start = config.clockStart;
  if (start === undefined) return () => new Date();
  const offsetMs = Math.round(start.getTime() - performance.timeOrigin);
  logger.warn(
    { clockStart: start.toISOString(), offsetMs },
    "CLOCK_START is set: this process's clock starts at it and runs at real speed, not the machine's",
  );
  return () => new Date(Date.now() + offsetMs);
}
