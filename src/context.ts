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
  /** Our clock as jobs read it; the machine's when absent (a test pins it). */
  now?: (() => Date) | undefined;
}

/** The app's clock: the one it was given, or the machine's. */
export function clockOf(app: Pick<AppContext, 'now'>): () => Date {
  return app.now ?? (() => new Date());
}
