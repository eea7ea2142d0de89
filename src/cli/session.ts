import { pino } from 'pino';
import { loadConfig, type Config } from '../config.js';
import type { AppContext } from '../context.js';
import { createQueues, closeQueues, type JobQueues } from '../jobs/queues.js';
import { closeApp, openApp } from '../main.js';
import { createLogger } from '../shared/logger.js';

/** Loads the config (exits on a bad one via the caller's error handling) and opens the stores for one command. */
export async function withApp<T>(work: (app: AppContext) => Promise<T>): Promise<T> {
  const config: Config = loadConfig();
  // Logs go to stderr so stdout carries only the command's result.
  const logger = createLogger(
    { level: config.logLevel === 'info' ? 'warn' : config.logLevel, pretty: false },
    pino.destination(2),
  );
  const app = await openApp(config, logger, config.migrateOnStart);
  try {
    return await work(app);
  } finally {
    await closeApp(app);
  }
}

export async function withQueues<T>(app: AppContext, work: (queues: JobQueues) => Promise<T>): Promise<T> {
  const queues = createQueues(app.redis, app.config.redisPrefix);
  try {
    return await work(queues);
  } finally {
    await closeQueues(queues);
  }
}
