import type { AddressInfo } from 'node:net';
import { createAdminServer, listen } from './admin/server.js';
import { createAmazonPortFactory } from './companies/companies.amazon.js';
import { listCompanies } from './companies/companies.service.js';
import type { Config } from './config.js';
import type { AppContext } from './context.js';
import { createDb, ensureDatabaseExists } from './db/client.js';
import { migrateToLatest } from './db/migrate.js';
import type { JobHandlers } from './jobs/handlers.js';
import { closeQueues, createQueues, type JobQueues } from './jobs/queues.js';
import { reconcileAllSchedules } from './jobs/schedules.js';
import { startWorkers } from './jobs/workers.js';
import { JOB_KINDS } from './jobs/kinds.js';
import { createLogger, type Logger } from './shared/logger.js';
import {
  describePostgresFailure,
  isConnectionFailure,
  STORE_TIMEOUT_MS,
  waitUntilReachable,
  watchRedis,
} from './shared/stores.js';
import { checkEvictionPolicy, createFailFastRedis, createRedis } from './shared/redis.js';
import { JOB_HANDLERS } from './wiring.js';

export interface Daemon {
  app: AppContext;
  queues: JobQueues;
  adminAddress: AddressInfo;
  /** Graceful stop: no new jobs, running ones finish within the shutdown timeout, connections closed. */
  stop(): Promise<'drained' | 'forced'>;
}

export interface DaemonOptions {
  logger?: Logger;
  handlers?: JobHandlers;
}

/** The stores' clients, not connected yet: Postgres connects on first use, Redis in the background. */
function createAppContext(config: Config, logger: Logger): AppContext {
  // Each concurrent job holds one connection for its (company, kind) lock and uses others for its work.
  const db = createDb(config.databaseUrl, config.workerConcurrency * JOB_KINDS.length + 5, (err) =>
    logger.warn({ reason: err.message }, 'an idle database connection failed; the pool replaces it'),
  );
  const redis = createRedis(config.redisUrl);
  watchRedis(redis, config.redisUrl, logger);
  const gatewayRedis = createFailFastRedis(config.redisUrl);
  watchRedis(gatewayRedis, config.redisUrl);
  const amazon = createAmazonPortFactory({ config, db, redis: gatewayRedis, logger });
  return { config, db, redis, gatewayRedis, logger, amazon };
}

/**
 * Waits until Postgres (creating the database when missing) and Redis answer, one log line per attempt,
 * then migrates when allowed.
 */
async function prepareStores(app: AppContext, migrate: boolean): Promise<void> {
  const { config, logger } = app;
  await waitUntilReachable(async () => {
    const created = await ensureDatabaseExists(config.databaseUrl, STORE_TIMEOUT_MS).catch((err: unknown) => {
      throw describePostgresFailure(err, config.databaseUrl);
    });
    if (created) logger.info('created the database');
  }, logger);
  if (migrate) {
    const { applied } = await migrateToLatest(app.db);
    if (applied.length > 0) logger.info({ applied }, 'database migrated');
  }
  // The connection's watch logs each attempt to reach Redis.
  if (app.redis.status !== 'ready') await new Promise((resolve) => app.redis.once('ready', resolve));
}

/** Opens the stores, waiting for them and migrating first when allowed. */
export async function openApp(config: Config, logger: Logger, migrate: boolean): Promise<AppContext> {
  const app = createAppContext(config, logger);
  await prepareStores(app, migrate);
  return app;
}

/**
 * Closes Redis and Postgres. With `graceMs`, gives up waiting after that long: after a forced stop a job
 * abandoned mid-way still holds a connection, and the process exit closes it (releasing its locks).
 */
export async function closeApp(app: AppContext, graceMs?: number): Promise<void> {
  const close = async () => {
    for (const connection of [app.gatewayRedis, app.redis]) {
      await connection.quit().catch((err: unknown) => {
        app.logger.warn({ err }, 'redis did not close cleanly');
        connection.disconnect();
      });
    }
    await app.db.destroy();
  };
  if (graceMs === undefined) return close();
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([close(), new Promise((resolve) => (timer = setTimeout(resolve, graceMs)))]);
  clearTimeout(timer);
}

export async function startDaemon(config: Config, options: DaemonOptions = {}): Promise<Daemon> {
  const logger = options.logger ?? createLogger({ level: config.logLevel, pretty: config.logPretty });
  for (const name of config.developmentDefaults) {
    logger.warn({ variable: name }, 'using a development default; set it before running in production');
  }
  const app = createAppContext(config, logger);
  // Serving first, so that /readyz says what the daemon is waiting for.
  const server = createAdminServer(app);
  const adminAddress = await listen(server, config.adminHost, config.adminPort);
  await prepareStores(app, config.migrateOnStart);
  await checkEvictionPolicy(app.redis, logger);
  const queues = createQueues(app.redis, config.redisPrefix, (err) => {
    // An outage is logged once per reconnection attempt by the connection's watch.
    if (!isConnectionFailure(err)) logger.error({ err }, 'queue error');
  });

  const reconcile = async () => reconcileAllSchedules(queues, await listCompanies(app.db), logger);
  const changes = await reconcile();
  logger.info(changes, 'schedules reconciled');
  // Catches companies changed by other processes and restores schedules if Redis lost its data.
  const reconcileTimer = setInterval(() => {
    reconcile().catch((err: unknown) => logger.error({ err }, 'schedule reconciliation failed'));
  }, config.scheduleReconcileIntervalMs);
  reconcileTimer.unref();

  const workerConnection = createRedis(config.redisUrl);
  watchRedis(workerConnection, config.redisUrl);
  const workers = startWorkers(app, queues, workerConnection, options.handlers ?? JOB_HANDLERS);
  logger.info({ host: config.adminHost, port: adminAddress.port }, 'sellersync started');
  if (config.adminTokenGenerated) {
    // Printed once and never logged: the token is a secret, and exists only in this process.
    process.stderr.write(
      `ADMIN_TOKEN is not set: the admin API on ${config.adminHost}:${adminAddress.port} accepts this run's token ${config.adminToken}\n`,
    );
  }

  const closeEverything = async (forced: boolean) => {
    const graceMs = forced ? 1000 : undefined;
    await closeQueues(queues);
    // After a forced stop, disconnecting also ends the abandoned jobs' lock renewal.
    if (forced) workerConnection.disconnect();
    else await workerConnection.quit().catch(() => workerConnection.disconnect());
    await closeApp(app, graceMs);
  };
  const stopServing = () => {
    clearInterval(reconcileTimer);
    server.closeAllConnections();
    return new Promise<void>((resolve) => server.close(() => resolve()));
  };

  return {
    app,
    queues,
    adminAddress,
    async stop() {
      logger.info({ timeoutMs: config.shutdownTimeoutMs }, 'stopping: waiting for running jobs');
      await stopServing();
      const result = await workers.close(config.shutdownTimeoutMs);
      if (result === 'forced') logger.warn('shutdown timeout reached: running jobs return to the queue');
      await closeEverything(result === 'forced');
      logger.info('stopped');
      return result;
    },
  };
}

/** First SIGTERM/SIGINT: graceful stop, exit 0. A second one: immediate exit. */
export function installSignalHandlers(daemon: Daemon, logger: Logger): void {
  let stopping = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (stopping) {
      logger.warn({ signal }, 'second signal: forcing exit');
      process.exit(1);
    }
    stopping = true;
    logger.info({ signal }, 'signal received');
    daemon.stop().then(
      () => process.exit(0),
      (err: unknown) => {
        logger.error({ err }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
}
