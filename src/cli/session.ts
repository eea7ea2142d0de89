import { sql } from 'kysely';
import { pino } from 'pino';
import type { AmazonDependencies, AmazonPortFactory } from '../companies/companies.amazon.js';
import { getCompany } from '../companies/companies.service.js';
import { loadConfig, type Config } from '../config.js';
import { processClock, type AppContext } from '../context.js';
import { createDb, type Db } from '../db/client.js';
import { migrateToLatest } from '../db/migrate.js';
import type { JobQueues } from '../jobs/queues.js';
import { createLogger } from '../shared/logger.js';
import { closeRedis, createFailFastRedis, createRedis } from '../shared/redis.js';
import { describePostgresFailure, probeRedis, STORE_TIMEOUT_MS } from '../shared/stores.js';

export interface SessionNeeds {
  /** The command reads or writes Redis (schedules, queues, Amazon calls): checked before anything changes. */
  redis?: boolean;
  /** The command is about this company: a company that does not exist ends it with exit code 2. */
  company?: number | undefined;
}

/** The Amazon client (the amazon-sp-api package) is loaded by the first command that calls Amazon. */
function lazyAmazonPortFactory(dependencies: AmazonDependencies): AmazonPortFactory {
  let factory: Promise<AmazonPortFactory> | undefined;
  return {
    async forCompany(companyId, signal) {
      factory ??= import('../companies/companies.amazon.js').then((module) =>
        module.createAmazonPortFactory(dependencies),
      );
      return (await factory).forCompany(companyId, signal);
    },
  };
}

/** Opens the pool and checks Postgres answers; never creates the database (only migrate and start do). */
async function openDatabase(config: Config): Promise<Db> {
  const db = createDb(config.databaseUrl, 5, () => undefined, {
    connectionTimeoutMillis: STORE_TIMEOUT_MS,
  });
  try {
    await sql`SELECT 1`.execute(db);
    if (config.migrateOnStart) await migrateToLatest(db);
    return db;
  } catch (err) {
    await db.destroy().catch(() => undefined);
    throw describePostgresFailure(err, config.databaseUrl);
  }
}

/**
 * Loads the config and opens the stores one command needs, checking each answers before the command does
 * anything, so that an unreachable store ends it at once having changed nothing.
 */
export async function withApp<T>(
  work: (app: AppContext) => Promise<T>,
  needs: SessionNeeds = {},
): Promise<T> {
  const config: Config = loadConfig();
  // Logs go to stderr so stdout carries only the command's result.
  const logger = createLogger(
    { level: config.logLevel === 'info' ? 'warn' : config.logLevel, pretty: false },
    pino.destination(2),
  );
  const [opened, probed] = await Promise.allSettled([
    openDatabase(config),
    needs.redis ? probeRedis(config.redis) : Promise.resolve(),
  ]);
  if (opened.status === 'rejected') throw opened.reason;
  const db = opened.value;
  if (probed.status === 'rejected') {
    await db.destroy();
    throw probed.reason;
  }
  // Connects only when used: most commands never touch Redis.
  const redis = createRedis(config.redis, { lazyConnect: !needs.redis });
  // Only commands that need Redis call Amazon, through the gateway's fail-fast connection.
  const gatewayRedis = needs.redis ? createFailFastRedis(config.redis) : redis;
  for (const connection of new Set([redis, gatewayRedis])) {
    connection.on('error', (err: Error) => logger.debug({ err: err.message }, 'redis connection error'));
  }
  const app: AppContext = {
    config,
    db,
    redis,
    gatewayRedis,
    logger,
    amazon: lazyAmazonPortFactory({ config, db, redis: gatewayRedis, logger }),
    now: processClock(config, logger),
  };
  try {
    if (needs.company !== undefined) await getCompany(db, needs.company);
    return await work(app);
  } catch (err) {
    throw describePostgresFailure(err, config.databaseUrl);
  } finally {
    for (const connection of new Set([gatewayRedis, redis])) {
      await closeRedis(connection).catch(() => connection.disconnect());
    }
    await db.destroy();
  }
}

export async function withQueues<T>(app: AppContext, work: (queues: JobQueues) => Promise<T>): Promise<T> {
  const { closeQueues, createQueues } = await import('../jobs/queues.js');
  const queues = createQueues(app.redis, app.config.queuePrefix);
  try {
    return await work(queues);
  } finally {
    await closeQueues(queues);
  }
}
