import { randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';
import pg from 'pg';
import { loadConfig, type Config } from '../../src/config.js';
import { createAmazonPortFactory } from '../../src/companies/companies.amazon.js';
import type { AppContext } from '../../src/context.js';
import { createDb } from '../../src/db/client.js';
import { createLogger, type Logger } from '../../src/shared/logger.js';
import {
  createFailFastRedis,
  createRedis,
  deleteKeysWithPrefix,
  type Redis,
} from '../../src/shared/redis.js';
import { databaseUrl, TEMPLATE_DATABASE, TEST_POSTGRES_URL, TEST_REDIS_URL } from './settings.js';

export const TEST_ENCRYPTION_KEY = randomBytes(32).toString('hex');
/** Our clock in a test with no other reason for an instant (no simulator to follow): never today's date. */
export const TEST_CLOCK_START = new Date('2026-11-21T00:00:00Z');
export const TEST_ADMIN_TOKEN = 'test-admin-token-0123456789abcdef';

/** Captures every log line a test produces, to assert on what is (and is not) logged. */
export class LogCapture extends Writable {
  readonly lines: string[] = [];
  override _write(chunk: Buffer, _encoding: string, done: () => void): void {
    this.lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
    done();
  }
  get text(): string {
    return this.lines.join('\n');
  }
  entries(): Record<string, unknown>[] {
    return this.lines.map((line) => JSON.parse(line) as Record<string, unknown>);
  }
}

export interface TestContext extends AppContext {
  databaseName: string;
  databaseUrl: string;
  redisPrefix: string;
  logs: LogCapture;
  /** Environment for a child process (the CLI, a daemon) pointed at this test's database and Redis prefix. */
  env: Record<string, string>;
  /**
   * `env` for a child process on the test's pinned clock: CLOCK_START is `now()`'s reading when called, so
   * make it just before starting the process. Refuses a context whose clock is not pinned (`now` unset)
   * unless given the instant `at` to start the child's clock at (a file with a simulator per test, say).
   */
  childEnv(overrides?: Record<string, string>, at?: Date): Record<string, string>;
  cleanup(): Promise<void>;
}

async function cloneTemplate(name: string): Promise<void> {
  const admin = new pg.Client({ connectionString: TEST_POSTGRES_URL });
  await admin.connect();
  try {
    for (let attempt = 0; ; attempt++) {
      try {
        await admin.query(
          `CREATE DATABASE ${pg.escapeIdentifier(name)} TEMPLATE ${pg.escapeIdentifier(TEMPLATE_DATABASE)}`,
        );
        return;
      } catch (err) {
        // 55006: the template is briefly in use by a concurrent clone.
        if ((err as { code?: string }).code !== '55006' || attempt >= 20) throw err;
        await new Promise((resolve) => setTimeout(resolve, 100 + Math.random() * 200));
      }
    }
  } finally {
    await admin.end();
  }
}

export async function dropDatabase(name: string): Promise<void> {
  const admin = new pg.Client({ connectionString: TEST_POSTGRES_URL });
  await admin.connect();
  try {
    await admin.query(`DROP DATABASE IF EXISTS ${pg.escapeIdentifier(name)} WITH (FORCE)`);
  } finally {
    await admin.end();
  }
}

export async function deleteRedisKeys(redis: Redis, prefix: string): Promise<void> {
  await deleteKeysWithPrefix(redis, prefix);
}

/** A fresh database cloned from the migrated template, a Redis key prefix of its own, and captured logs. */
export async function createTestContext(overrides: Record<string, string> = {}): Promise<TestContext> {
  const suffix = randomBytes(5).toString('hex');
  const databaseName = `sellersync_test_${suffix}`;
  const redisPrefix = `sstest-${suffix}`;
  await cloneTemplate(databaseName);
  const url = databaseUrl(databaseName);
  const env: Record<string, string> = {
    NODE_ENV: 'test',
    DATABASE_URL: url,
    REDIS_URL: TEST_REDIS_URL,
    REDIS_PREFIX: redisPrefix,
    ENCRYPTION_KEY: TEST_ENCRYPTION_KEY,
    ADMIN_TOKEN: TEST_ADMIN_TOKEN,
    ADMIN_PORT: '0',
    ADMIN_HOST: '127.0.0.1',
    LOG_LEVEL: 'debug',
    MIGRATE_ON_START: 'false',
    ...overrides,
  };
  const config: Config = loadConfig(env);
  const logs = new LogCapture();
  const logger: Logger = createLogger({ level: 'debug', pretty: false }, logs);
  const db = createDb(url, 20, undefined, { applicationName: 'sellersync-test' });
  const redis = createRedis(config.redis);
  const gatewayRedis = createFailFastRedis(config.redis);
  const context: TestContext = {
    config,
    db,
    redis,
    gatewayRedis,
    logger,
    amazon: createAmazonPortFactory({ config, db, redis: gatewayRedis, logger }),
    databaseName,
    databaseUrl: url,
    redisPrefix,
    logs,
    env,
    childEnv(childOverrides = {}, at = context.now?.()) {
      if (at === undefined) throw new Error("pin the test's clock (context.now) before a child process");
      return { ...env, CLOCK_START: at.toISOString(), ...childOverrides };
    },
    async cleanup() {
      await deleteRedisKeys(redis, redisPrefix);
      await gatewayRedis.quit();
      await redis.quit();
      await db.destroy();
      await dropDatabase(databaseName);
    },
  };
  return context;
}
