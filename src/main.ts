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
import { reconcileAllSchedules, removeRetiredQueues } from './jobs/schedules.js';
import { startWorkers, type WorkersClosed } from './jobs/workers.js';
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

/** After the shutdown timeout, how long stopped jobs may take to record how they ended. */
const SETTLE_AFTER_ABORT_MS = 5_000;
/** How long closing the queues and connections may take once no job runs. */
const CLOSE_CONNECTIONS_MS = 5_000;

export interface Daemon {
  app: AppContext;
  queues: JobQueues;
  adminAddress: AddressInfo;
  /** Past this long after a stop began, the process exits whatever is still pending. */
  stopDeadlineMs: number;
  /**
   * Stops in order: the admin server and the schedule reconciler; the workers take no new jobs and the
   * running ones get the shutdown timeout to finish; then they are told to stop and get a few seconds
   * to settle; then queues and connections close. Jobs that never settle are left as they are (their
   * connections open), for the process exit and BullMQ's stall recovery.
   */
  stop(): Promise<WorkersClosed>;
}

export interface DaemonOptions {
  logger?: Logger;
  handlers?: JobHandlers;
}

/** The stores' clients, not connected yet: Postgres connects on first use, Redis in the background. */
function createAppContext(config: Config, logger: Logger): AppContext {
  const db = createDb(config.databaseUrl, config.workerConcurrency * JOB_KINDS.length + 5, (err) =>
    logger.warn(
      { reason: err.message },
      'a database connection failed; its query fails and the pool replaces it',
    ),
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

/** Closes Redis and Postgres. */
export async function closeApp(app: AppContext): Promise<void> {
  for (const connection of [app.gatewayRedis, app.redis]) {
    await connection.quit().catch((err: unknown) => {
      app.logger.warn({ err }, 'redis did not close cleanly');
      connection.disconnect();
    });
  }
  await app.db.destroy();
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
  await removeRetiredQueues(app.redis, config.redisPrefix);

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

  const closeConnections = async () => {
    await closeQueues(queues);
    await workerConnection.quit().catch(() => workerConnection.disconnect());
    await closeApp(app);
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
    stopDeadlineMs: config.shutdownTimeoutMs + SETTLE_AFTER_ABORT_MS + CLOSE_CONNECTIONS_MS,
    async stop() {
      logger.info({ timeoutMs: config.shutdownTimeoutMs }, 'stopping: waiting for running jobs');
      await stopServing();
      const result = await workers.close(config.shutdownTimeoutMs, SETTLE_AFTER_ABORT_MS);
      if (result === 'abandoned') {
        logger.error(
          'running jobs did not stop when told; exiting without them (another worker takes them up)',
        );
        return result;
      }
      await closeConnections();
      logger.info({ jobs: result }, 'stopped');
      return result;
    },
  };
}

/**
 * First SIGTERM/SIGINT: orderly stop, exit 0 (1 when running jobs had to be left behind). A second one,
 * or the stop deadline passing: immediate exit with code 1.
 */
export function installSignalHandlers(daemon: Daemon, logger: Logger): void {
  let stopping = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (stopping) {
      logger.warn({ signal }, 'second signal: forcing exit');
      process.exit(1);
    }
    stopping = true;
    logger.info({ signal }, 'signal received');
    setTimeout(() => {
      logger.error(
        { deadlineMs: daemon.stopDeadlineMs },
        'stop deadline passed: exiting with work still pending',
      );
      process.exit(1);
    }, daemon.stopDeadlineMs);
    daemon.stop().then(
      (result) => process.exit(result === 'abandoned' ? 1 : 0),
      (err: unknown) => {
        logger.error({ err }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
}
