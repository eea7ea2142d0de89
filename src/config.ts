import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { parse as parseDotenv } from 'dotenv';
import { isIP } from 'node:net';
import { z } from 'zod';
import { readSecretFiles } from './config.secret-files.js';
import { keyStrengthProblem, parseKeyring, type Keyring } from './shared/crypto.js';
import { isLoopbackHost } from './shared/outbound-url.js';
import { queueKeyPrefix, type ClusterNode, type RedisTarget } from './shared/redis-target.js';

/**
 * The only place that reads the environment. Every setting is validated once at start; a bad value
 * stops the process with a message naming every bad variable and what is expected.
 */

const DEVELOPMENT_ENCRYPTION_KEY = 'ZGV2ZWxvcG1lbnQta2V5LW5ldmVyLWluLXByb2R1Y3Q='; // "development-key-never-in-product"

const booleanFlag = z
  .enum(['true', 'false', '1', '0', 'yes', 'no', 'on', 'off'], {
    error: 'expected true or false',
  })
  .transform((value) => ['true', '1', 'yes', 'on'].includes(value));

/** Digits only: `0x1F90`, `1e2`, `8080.0` or ` 80` are not what an operator meant to type. */
const wholeNumber = (error: string) =>
  z
    .string()
    .regex(/^[0-9]{1,15}$/, { error })
    .transform((digits) => Number(digits));

const positiveInt = (max: number) =>
  wholeNumber('expected a whole decimal number').pipe(
    z
      .number()
      .min(1, { error: 'expected at least 1' })
      .max(max, { error: `expected at most ${max}` }),
  );

const HOST_NAME =
  /^(?=.{1,253}$)[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/;

/** An IP address or a host name to listen on; not a URL, not a host:port pair. */
const listenHost = z.string().refine((host) => isIP(host) !== 0 || HOST_NAME.test(host), {
  error: 'expected an IP address (127.0.0.1, 0.0.0.0, ::) or a host name',
});

const postgresUrl = z.string().regex(/^postgres(ql)?:\/\/.+/, {
  error: 'expected a postgres:// URL, e.g. postgres://user:password@host:5432/sellersync',
});
const redisUrl = z.string().regex(/^rediss?:\/\/.+/, {
  error: 'expected a redis:// URL, e.g. redis://127.0.0.1:6379',
});

/** `host:port,host:port,…`: some nodes of a Redis Cluster, through which it finds the others. */
const clusterNodes = z.string().transform((list, context): ClusterNode[] => {
  const nodes: ClusterNode[] = [];
  for (const entry of list.split(',').map((each) => each.trim())) {
    const match = /^([A-Za-z0-9.-]+|\[[0-9A-Fa-f:]+\]):([0-9]{1,5})$/.exec(entry);
    const port = Number(match?.[2]);
    if (!match?.[1] || port < 1 || port > 65535) {
      context.addIssue({
        code: 'custom',
        message: `expected host:port,host:port,… (e.g. 10.0.0.1:6379,10.0.0.2:6379); ${JSON.stringify(entry)} is not host:port`,
      });
      return z.NEVER;
    }
    nodes.push({ host: match[1].replace(/^\[|\]$/g, ''), port });
  }
  return nodes;
});

const schema = z.object({
  NODE_ENV: z
    .enum(['development', 'test', 'production'], { error: 'expected development, test or production' })
    .default('development'),
  DATABASE_URL: postgresUrl.default('postgres://postgres@127.0.0.1:5432/sellersync'),
  REDIS_URL: redisUrl.default('redis://127.0.0.1:6379'),
  REDIS_CLUSTER_NODES: clusterNodes.optional(),
  REDIS_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,40}$/, { error: 'expected 1-40 letters, digits, - or _' })
    .default('sellersync'),
  ENCRYPTION_KEY: z.string().optional(),
  ENCRYPTION_KEY_ID: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,20}$/, { error: 'expected 1-20 letters, digits, - or _' })
    .default('k1'),
  ENCRYPTION_PREVIOUS_KEYS: z.string().default(''),
  ADMIN_TOKEN: z.string().optional(),
  ADMIN_HOST: listenHost.optional(),
  ADMIN_PORT: wholeNumber('expected a port number 0-65535 in decimal')
    .pipe(z.number().max(65535, { error: 'expected a port number 0-65535' }))
    .default(8080),
  METRICS_PORT: wholeNumber('expected a port number 1-65535 in decimal')
    .pipe(z.number().min(1).max(65535, { error: 'expected a port number 1-65535' }))
    .optional(),
  LOG_LEVEL: z
    .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], {
      error: 'expected one of fatal, error, warn, info, debug, trace, silent',
    })
    .default('info'),
  LOG_PRETTY: booleanFlag.default(false),
  WORKER_CONCURRENCY: positiveInt(64).default(4),
  SHUTDOWN_TIMEOUT_MS: positiveInt(600_000).default(30_000),
  JOB_LEASE_MS: z.coerce
    .number({ error: 'expected a whole number of milliseconds' })
    .int({ error: 'expected a whole number of milliseconds' })
    .min(1_000, { error: 'expected at least 1000' })
    .max(600_000, { error: 'expected at most 600000' })
    .default(60_000),
  MIGRATE_ON_START: booleanFlag.default(true),
  SCHEDULE_RECONCILE_INTERVAL_MS: positiveInt(3_600_000).default(60_000),
  ORDER_BACKFILL_DAYS: positiveInt(730).default(7),
  ORDER_WINDOW_OVERLAP_MINUTES: positiveInt(120).default(5),
  ORDER_AT_RISK_HOURS: positiveInt(720).default(24),
  BUYER_DATA_RETENTION_DAYS: positiveInt(30).default(30),
  ORDER_REPORT_QUEUE_TIMEOUT_MINUTES: positiveInt(1440).default(20),
  ORDER_REPORT_PROCESSING_TIMEOUT_MINUTES: positiveInt(1440).default(120),
  ORDER_REPORT_EXPECTED_SECONDS: positiveInt(86_400).default(600),
  REFUND_HOLD_MINUTES: wholeNumber('expected a whole decimal number')
    .pipe(z.number().max(1440, { error: 'expected at most 1440' }))
    .default(15),
  // Settlements close about every 14 days; 3 more cover Amazon's posting lag (up to 48 h) and the report's listing.
  SETTLEMENT_REFUND_UNSETTLED_DAYS: positiveInt(90).default(17),
  // Longer than any request can be in flight: the gateway's deadline is 2 minutes and createFeed is not resent.
  FEED_LANDING_HORIZON_MINUTES: wholeNumber('expected a whole decimal number')
    .pipe(
      z
        .number()
        .min(3, { error: 'expected at least 3 (longer than a request can be in flight)' })
        .max(1440, { error: 'expected at most 1440' }),
    )
    .default(15),
  CLOCK_START: z.iso
    .datetime({
      offset: true,
      error: 'expected an ISO 8601 instant with its zone, e.g. 2026-11-21T00:00:00Z',
    })
    .transform((instant) => new Date(instant))
    .optional(),
});

export interface Config {
  nodeEnv: 'development' | 'test' | 'production';
  databaseUrl: string;
  redisUrl: string;
  /** Where Redis is: REDIS_URL's server, or the Redis Cluster of REDIS_CLUSTER_NODES (with REDIS_URL's credentials). */
  redis: RedisTarget;
  /** Prefix of every Redis key (REDIS_PREFIX). */
  redisPrefix: string;
  /** Prefix of the BullMQ queues' keys: REDIS_PREFIX, as a hash tag (`{sellersync}`) on a cluster. */
  queuePrefix: string;
  keyring: Keyring;
  adminToken: string;
  /** True when ADMIN_TOKEN was not set (outside production): a random token for this process only. */
  adminTokenGenerated: boolean;
  adminHost: string;
  adminPort: number;
  /** Prometheus `/metrics` on a port of its own, without the token; unset: on the admin port, with it. */
  metricsPort: number | undefined;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  logPretty: boolean;
  workerConcurrency: number;
  shutdownTimeoutMs: number;
  /** How long a run's (kind, company) lease lasts unless renewed; a killed process's runs wait this long. */
  jobLeaseMs: number;
  migrateOnStart: boolean;
  scheduleReconcileIntervalMs: number;
  orders: OrderSettings;
  feeds: FeedSettings;
  refunds: RefundSettings;
  settlements: SettlementSettings;
  /**
   * CLOCK_START: this process's clock starts at this instant and runs at real speed, instead of being the
   * machine's (replaying a simulation at its own dates, tests). Read only by the app context's clock.
   */
  clockStart: Date | undefined;
  /** Settings that fell back to development-only defaults; logged as warnings at start. */
  developmentDefaults: string[];
}

/** Order download and buyer-data settings (docs/orders.md). */
export interface OrderSettings {
  /** How far back the first download of a company reaches (Amazon keeps 2 years). */
  backfillDays: number;
  /** How far each window reaches back over the previous one, to catch updates that became visible late. */
  windowOverlapMinutes: number;
  /** Seller-fulfilled orders within this many hours of their latest ship date are at risk. */
  atRiskHours: number;
  /** Buyer and recipient data are erased this many days after delivery; Amazon allows at most 30. */
  buyerDataRetentionDays: number;
  /** A report still IN_QUEUE after this long is cancelled and the run falls back to searchOrders. */
  reportQueueTimeoutMinutes: number;
  /** A report still IN_PROGRESS this long after it was asked for is abandoned: the run falls back to searchOrders. */
  reportProcessingTimeoutMinutes: number;
  /** How long Amazon usually takes to produce an order report; used to choose the download plan. */
  reportExpectedSeconds: number;
}

/** Feed pipeline settings (docs/feeds.md). */
export interface FeedSettings {
  /**
   * After a createFeed whose outcome is unknown (timeout, reset, crash), how long nothing is submitted
   * again: past it the attempt can no longer land, getFeeds is searched and only then is the feed resent.
   */
  landingHorizonMinutes: number;
}

/** Refund settings (docs/refunds.md). */
export interface RefundSettings {
  /** A refund waits this long before a feed takes it, and can be undone until then. */
  holdMinutes: number;
}

/** Settlement reconciliation settings (docs/settlements.md). */
export interface SettlementSettings {
  /** A refund of ours Amazon accepted that no settlement has confirmed after this many days is a discrepancy. */
  refundUnsettledDays: number;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

type Env = Record<string, string | undefined>;

/** The process environment, over the values of a `.env` file in the working directory if there is one. */
export function readEnvironment(dotenvPath = '.env'): Env {
  const fromFile = existsSync(dotenvPath) ? parseDotenv(readFileSync(dotenvPath)) : {};
  return { ...fromFile, ...process.env };
}

export function loadConfig(environment: Env = readEnvironment()): Config {
  const { env, fromFiles, problems } = readSecretFiles(environment);
  // An empty variable (FOO=) means "not set", as in most .env tooling.
  const present = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== ''));
  const parsed = schema.safeParse(present);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const name = String(issue.path[0] ?? '(environment)');
      const got = fromFiles.has(name) ? `the content of ${name}_FILE` : JSON.stringify(env[name] ?? null);
      problems.push(`${name}: ${issue.message} (got ${got})`);
    }
  }
  const production = (present.NODE_ENV ?? 'development') === 'production';
  const developmentDefaults: string[] = [];
  let encryptionKey = present.ENCRYPTION_KEY;
  if (encryptionKey === undefined) {
    if (production) problems.push('ENCRYPTION_KEY: required in production (32 bytes as 64 hex or base64)');
    else developmentDefaults.push('ENCRYPTION_KEY');
  }
  const adminToken = present.ADMIN_TOKEN;
  if (present.CLOCK_START !== undefined && production) {
    problems.push('CLOCK_START: not allowed in production (Amazon holds the seller to the real clock)');
  }
  if (adminToken === undefined && production) {
    problems.push('ADMIN_TOKEN: required in production (at least 24 characters)');
  }
  if (adminToken !== undefined && adminToken.length < 24) {
    problems.push('ADMIN_TOKEN: expected at least 24 characters');
  }
  // Without a token of the operator's choosing the admin API is reachable from this machine only.
  const adminHost = present.ADMIN_HOST ?? (adminToken === undefined ? '127.0.0.1' : '0.0.0.0');
  if (adminToken === undefined && !isLoopbackHost(adminHost) && parsed.success) {
    problems.push(
      `ADMIN_HOST: ${adminHost} is reachable from other machines; set ADMIN_TOKEN to listen beyond 127.0.0.1`,
    );
  }
  let keyring: Keyring | undefined;
  try {
    if (encryptionKey !== undefined) {
      const weakness = keyStrengthProblem(encryptionKey);
      if (weakness) problems.push(`ENCRYPTION_KEY: ${weakness}`);
    }
    encryptionKey ??= DEVELOPMENT_ENCRYPTION_KEY;
    keyring = parseKeyring(
      present.ENCRYPTION_KEY_ID ?? 'k1',
      encryptionKey,
      present.ENCRYPTION_PREVIOUS_KEYS ?? '',
    );
  } catch (err) {
    problems.push((err as Error).message);
  }
  if (!parsed.success || problems.length > 0 || keyring === undefined) throw new ConfigError(problems);
  const values = parsed.data;
  const redis: RedisTarget = { url: values.REDIS_URL, clusterNodes: values.REDIS_CLUSTER_NODES };

  return {
    nodeEnv: values.NODE_ENV,
    databaseUrl: values.DATABASE_URL,
    redisUrl: values.REDIS_URL,
    redis,
    redisPrefix: values.REDIS_PREFIX,
    queuePrefix: queueKeyPrefix(values.REDIS_PREFIX, redis),
    keyring,
    adminToken: adminToken ?? randomBytes(24).toString('base64url'),
    adminTokenGenerated: adminToken === undefined,
    adminHost,
    adminPort: values.ADMIN_PORT,
    metricsPort: values.METRICS_PORT,
    logLevel: values.LOG_LEVEL,
    logPretty: values.LOG_PRETTY,
    workerConcurrency: values.WORKER_CONCURRENCY,
    shutdownTimeoutMs: values.SHUTDOWN_TIMEOUT_MS,
    jobLeaseMs: values.JOB_LEASE_MS,
    migrateOnStart: values.MIGRATE_ON_START,
    scheduleReconcileIntervalMs: values.SCHEDULE_RECONCILE_INTERVAL_MS,
    orders: {
      backfillDays: values.ORDER_BACKFILL_DAYS,
      windowOverlapMinutes: values.ORDER_WINDOW_OVERLAP_MINUTES,
      atRiskHours: values.ORDER_AT_RISK_HOURS,
      buyerDataRetentionDays: values.BUYER_DATA_RETENTION_DAYS,
      reportQueueTimeoutMinutes: values.ORDER_REPORT_QUEUE_TIMEOUT_MINUTES,
      reportProcessingTimeoutMinutes: values.ORDER_REPORT_PROCESSING_TIMEOUT_MINUTES,
      reportExpectedSeconds: values.ORDER_REPORT_EXPECTED_SECONDS,
    },
    feeds: { landingHorizonMinutes: values.FEED_LANDING_HORIZON_MINUTES },
    refunds: { holdMinutes: values.REFUND_HOLD_MINUTES },
    settlements: { refundUnsettledDays: values.SETTLEMENT_REFUND_UNSETTLED_DAYS },
    clockStart: values.CLOCK_START,
    developmentDefaults,
  };
}

/** Every variable the configuration reads; `.env.example` documents each one. */
export const CONFIG_VARIABLES: readonly string[] = Object.keys(schema.shape);
