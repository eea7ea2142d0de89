import type { AddressInfo } from 'node:net';
import { createMetricsServer } from './admin/metrics.js';
import { createAdminServer, listen } from './admin/server.js';
import { createAmazonPortFactory } from './companies/companies.amazon.js';
import { listCompanies } from './companies/companies.service.js';
import type { Config } from './config.js';
import { processClock, type AppContext } from './context.js';
import { createDb, ensureDatabaseExists } from './db/client.js';
import { migrateToLatest } from './db/migrate.js';
import type { JobHandlers } from './jobs/handlers.js';
import { closeRunsWithoutLease } from './jobs/job-runs.repository.js';
import { closeQueues, createQueues, type JobQueues } from './jobs/queues.js';
import { reconcileAllSchedules, removeRetiredQueues } from './jobs/schedules.js';
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
  /** Past this long after a stop began (SHUTDOWN_TIMEOUT_MS), the process exits whatever is still pending. */
  stopDeadlineMs: number;
  /** What the stop is waiting for now, for the log line of a deadline that passed. */
  stopStage(): string;
  /**
   * Stops in order: the admin server and the schedule reconciler; the running jobs are told to stop
   * (their signal aborts) and the workers take no new ones; once every job has settled the workers
   * close, then the queues and connections. It waits as long as the jobs take: the stop deadline of
   * the signal handlers bounds it.
   */
  stop(): Promise<void>;
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
  const redis = createRedis(config.redis);
  watchRedis(redis, config.redis, logger);
  const gatewayRedis = createFailFastRedis(config.redis);
  watchRedis(gatewayRedis, config.redis);
  const amazon = createAmazonPortFactory({ config, db, redis: gatewayRedis, logger });
  return { config, db, redis, gatewayRedis, logger, amazon, now: processClock(config, logger) };
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
  const handlers = options.handlers ?? JOB_HANDLERS;
  const opened: { queues?: JobQueues } = {};
  // Serving first, so that /readyz says what the daemon is waiting for.
  const server = await createAdminServer(app, { queues: () => opened.queues, handlers });
  const adminAddress = await listen(server, config.adminHost, config.adminPort);
  const metricsServer =
    config.metricsPort === undefined
      ? undefined
      : await createMetricsServer({ app, queues: () => opened.queues, handlers });
  if (metricsServer) await listen(metricsServer, config.adminHost, config.metricsPort ?? 0);
  await prepareStores(app, config.migrateOnStart);
  await checkEvictionPolicy(app.redis, logger);
  const queues = createQueues(app.redis, config.queuePrefix, (err) => {
    // An outage is logged once per reconnection attempt by the connection's watch.
    if (!isConnectionFailure(err)) logger.error({ err }, 'queue error');
  });
  opened.queues = queues;
  await removeRetiredQueues(app.redis, config.queuePrefix);

  const reconcile = async () => reconcileAllSchedules(queues, await listCompanies(app.db), logger);
  const changes = await reconcile();
  logger.info(changes, 'schedules reconciled');
  // The next run of a kind closes the runs its dead predecessors left `running`; this closes them when
  // no such run comes (the kind switched off, a long schedule).
  const closeAbandoned = async () => {
    const closed = await closeRunsWithoutLease(app.db);
    if (closed > 0) logger.warn({ closed }, 'closed runs left unfinished by a stopped process');
  };
  // Catches companies changed by other processes and restores schedules if Redis lost its data.
  const reconcileTimer = setInterval(() => {
    reconcile().catch((err: unknown) => logger.error({ err }, 'schedule reconciliation failed'));
    closeAbandoned().catch((err: unknown) => logger.error({ err }, 'closing abandoned runs failed'));
  }, config.scheduleReconcileIntervalMs);
  reconcileTimer.unref();

  const workerConnection = createRedis(config.redis);
  watchRedis(workerConnection, config.redis);
  const workers = startWorkers(app, queues, workerConnection, handlers);
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
  const stopServing = async () => {
    clearInterval(reconcileTimer);
    await metricsServer?.close();
    await server.close();
  };

  let stage = 'running';
  return {
    app,
    queues,
    adminAddress,
    stopDeadlineMs: config.shutdownTimeoutMs,
    stopStage: () => (stage === 'jobs' ? `jobs to settle: ${workers.running()} running` : stage),
    async stop() {
      logger.info(
        { runningJobs: workers.running(), deadlineMs: config.shutdownTimeoutMs },
        'stopping: running jobs are told to stop',
      );
      stage = 'the admin server to close';
      await stopServing();
      stage = 'jobs';
      await workers.close();
      logger.info('running jobs settled; closing connections');
      stage = 'the queues and connections to close';
      await closeConnections();
      stage = 'stopped';
      logger.info('stopped');
    },
  };
}

/**
 * First SIGTERM/SIGINT: orderly stop, exit 0. A second one, or the stop deadline passing (jobs that do
 * not settle when told are left as they are, their connections open, for BullMQ's stall recovery to
 * hand to another worker): immediate exit with code 1.
 */
export function installSignalHandlers(daemon: Daemon, logger: Logger): void {
  let stopping = false;
  // stdout is a pipe under a supervisor: lines still buffered at process.exit would be lost, the last
  // ones (why it stopped) first. The short fallback keeps a stuck pipe from holding the exit.
  const exit = (code: number) => {
    setTimeout(() => process.exit(code), 2_000);
    logger.flush(() => process.exit(code));
  };
  const onSignal = (signal: NodeJS.Signals) => {
    if (stopping) {
      logger.warn({ signal }, 'second signal: forcing exit');
      process.exit(1);
    }
    stopping = true;
    logger.info({ signal }, 'signal received');
    setTimeout(() => {
      logger.error(
        { deadlineMs: daemon.stopDeadlineMs, waitingFor: daemon.stopStage() },
        'stop deadline passed: exiting with work still pending (another worker takes up the jobs)',
      );
      exit(1);
    }, daemon.stopDeadlineMs);
    daemon.stop().then(
      () => exit(0),
      (err: unknown) => {
        logger.error({ err }, 'shutdown failed');
        exit(1);
      },
    );
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
}
