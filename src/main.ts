import type { AddressInfo } from 'node:net';
import { createAdminServer, listen } from './admin/server.js';
import { createAmazonPortFactory } from './amazon/factory.js';
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

/** Opens the stores, migrating first when allowed; shared by the daemon and the CLI commands. */
export async function openApp(config: Config, logger: Logger, migrate: boolean): Promise<AppContext> {
  if (await ensureDatabaseExists(config.databaseUrl)) logger.info('created the database');
  // Each concurrent job holds one connection for its (company, kind) lock and uses others for its work.
  const db = createDb(config.databaseUrl, config.workerConcurrency * JOB_KINDS.length + 5, (err) =>
    logger.warn({ err }, 'an idle database connection failed; the pool replaces it'),
  );
  if (migrate) {
    const { applied } = await migrateToLatest(db);
    if (applied.length > 0) logger.info({ applied }, 'database migrated');
  }
  const redis = createRedis(config.redisUrl);
  const gatewayRedis = createFailFastRedis(config.redisUrl);
  const amazon = createAmazonPortFactory({ config, db, redis: gatewayRedis, logger });
  return { config, db, redis, gatewayRedis, logger, amazon };
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
  const app = await openApp(config, logger, config.migrateOnStart);
  await checkEvictionPolicy(app.redis, logger);
  const queues = createQueues(app.redis, config.redisPrefix);

  const reconcile = async () => reconcileAllSchedules(queues, await listCompanies(app.db), logger);
  const changes = await reconcile();
  logger.info(changes, 'schedules reconciled');
  // Catches companies changed by other processes and restores schedules if Redis lost its data.
  const reconcileTimer = setInterval(() => {
    reconcile().catch((err: unknown) => logger.error({ err }, 'schedule reconciliation failed'));
  }, config.scheduleReconcileIntervalMs);
  reconcileTimer.unref();

  const workerConnection = createRedis(config.redisUrl);
  const workers = startWorkers(app, queues, workerConnection, options.handlers ?? JOB_HANDLERS);
  const server = createAdminServer(app);
  const adminAddress = await listen(server, config.adminHost, config.adminPort);
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
