import { Command } from 'commander';
import { loadConfig } from '../../config.js';
import { createDb, ensureDatabaseExists } from '../../db/client.js';
import { migrateToLatest } from '../../db/migrate.js';
import { describePostgresFailure, STORE_TIMEOUT_MS } from '../../shared/stores.js';
import { installSignalHandlers, startDaemon } from '../../main.js';
import { createLogger } from '../../shared/logger.js';
import { printResult } from '../output.js';

export function startCommand(): Command {
  return new Command('start')
    .description('run the daemon: migrate, reconcile schedules, run the workers and the admin server')
    .option('--json', 'log JSON lines, one object per line (overrides LOG_PRETTY)')
    .action(async (flags: { json?: boolean }) => {
      const config = loadConfig();
      const logger = createLogger({ level: config.logLevel, pretty: config.logPretty && !flags.json });
      const daemon = await startDaemon(config, { logger });
      installSignalHandlers(daemon, logger);
    });
}

export function migrateCommand(): Command {
  return new Command('migrate')
    .description('bring the database schema to the latest version')
    .option('--json', 'print JSON')
    .action(async (flags: { json?: boolean }) => {
      const config = loadConfig();
      await ensureDatabaseExists(config.databaseUrl, STORE_TIMEOUT_MS).catch((err: unknown) => {
        throw describePostgresFailure(err, config.databaseUrl);
      });
      const db = createDb(config.databaseUrl, 2);
      try {
        const outcome = await migrateToLatest(db).catch((err: unknown) => {
          throw describePostgresFailure(err, config.databaseUrl);
        });
        printResult(flags.json ?? false, outcome, () =>
          outcome.applied.length ? `applied: ${outcome.applied.join(', ')}` : 'schema is up to date',
        );
      } finally {
        await db.destroy();
      }
    });
}
