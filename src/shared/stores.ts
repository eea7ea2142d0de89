import { MissingDatabaseError, ServiceUnavailableError } from './errors.js';
import type { Logger } from './logger.js';
import { connectRedis, type Redis, type RedisTarget } from './redis.js';

/** How long a command waits for Postgres or Redis before saying it cannot reach them. */
export const STORE_TIMEOUT_MS = 3000;

/** host:port/database of a Postgres URL, without the user or password. */
export function postgresAddress(databaseUrl: string): string {
  const url = new URL(databaseUrl);
  return `${url.hostname}:${url.port || '5432'}${url.pathname}`;
}

/** host:port of a Redis URL, without the password. */
export function redisAddress(redisUrl: string): string {
  const url = new URL(redisUrl);
  return `${url.hostname}:${url.port || '6379'}`;
}

/** The setting that says where Redis is, and its address(es) without the password. */
export function redisLocation(target: string | RedisTarget): {
  variable: 'REDIS_URL' | 'REDIS_CLUSTER_NODES';
  address: string;
} {
  if (typeof target === 'string') return { variable: 'REDIS_URL', address: redisAddress(target) };
  if (target.clusterNodes === undefined) return { variable: 'REDIS_URL', address: redisAddress(target.url) };
  return {
    variable: 'REDIS_CLUSTER_NODES',
    address: target.clusterNodes.map((node) => `${node.host}:${node.port}`).join(','),
  };
}

export function databaseName(databaseUrl: string): string {
  return decodeURIComponent(new URL(databaseUrl).pathname.replace(/^\//, ''));
}

const CONNECTION_FAILURES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EPIPE',
  '57P01', // admin shutdown
  '57P03', // cannot connect now (starting up)
  '28P01', // password authentication failed
  '28000', // no pg_hba.conf entry / role does not exist
]);

function reasonOf(err: unknown): string {
  const error = err as { code?: string; message?: string; errors?: { message?: string }[] };
  // Node reports a refused connection to a dual-stack host as an AggregateError with an empty message.
  const message = error.message || error.errors?.map((e) => e.message).join('; ') || String(err);
  return message.split('\n')[0] ?? message;
}

/** A failure to connect (refused, unresolvable, timed out, rejected credentials) rather than a query's error. */
export function isConnectionFailure(err: unknown): boolean {
  const error = err as { code?: string; message?: string };
  return (
    (error.code !== undefined && CONNECTION_FAILURES.has(error.code)) ||
    /timeout|timed out|Connection terminated|Connection is closed/i.test(error.message ?? '')
  );
}

/**
 * A failure to reach Postgres named by DATABASE_URL and its address, or the database missing; anything
 * else (a query's own error) is returned unchanged.
 */
export function describePostgresFailure(err: unknown, databaseUrl: string): Error {
  const error = err as { code?: string; message?: string };
  if (error.code === '3D000')
    return new MissingDatabaseError(databaseName(databaseUrl), postgresAddress(databaseUrl));
  if (isConnectionFailure(err)) {
    return new ServiceUnavailableError('DATABASE_URL', postgresAddress(databaseUrl), reasonOf(err));
  }
  return err instanceof Error ? err : new Error(String(err));
}

/**
 * Connects once (no retries) within the timeout and pings; throws ServiceUnavailableError naming REDIS_URL
 * (or REDIS_CLUSTER_NODES).
 */
export async function probeRedis(target: string | RedisTarget, timeoutMs = STORE_TIMEOUT_MS): Promise<void> {
  const probe = connectRedis(target, {
    lazyConnect: true,
    connectTimeout: timeoutMs,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
    enableOfflineQueue: false,
  });
  let lastError: unknown;
  probe.on('error', (err: unknown) => (lastError = err));
  try {
    await probe.connect();
    await probe.ping();
  } catch (err) {
    const { variable, address } = redisLocation(target);
    throw new ServiceUnavailableError(variable, address, reasonOf(lastError ?? err));
  } finally {
    probe.disconnect();
  }
}

const lastRedisError = new WeakMap<Redis, string>();

/**
 * Handles a long-lived connection's errors (so none is unhandled and none prints a stack) and remembers the
 * last one for readiness. With a logger, each reconnection attempt is one log line naming REDIS_URL.
 */
export function watchRedis(redis: Redis, target: string | RedisTarget, logger?: Logger): void {
  const { variable, address } = redisLocation(target);
  let attempts = 0;
  redis.on('error', (err: unknown) => lastRedisError.set(redis, reasonOf(err)));
  redis.on('ready', () => {
    if (attempts > 0) logger?.info({ variable, server: address }, `Redis at ${address} is reachable again`);
    attempts = 0;
    lastRedisError.delete(redis);
  });
  if (logger) {
    redis.on('reconnecting', (delayMs: number) => {
      attempts += 1;
      logger.warn(
        {
          variable,
          server: address,
          attempt: attempts,
          retryInMs: delayMs,
          reason: lastRedisError.get(redis),
        },
        `cannot reach Redis at ${address} (${variable}); retrying`,
      );
    });
  }
}

/** Why a watched connection is not usable now, or null when it is (or is still connecting). */
export function redisProblem(redis: Redis, target: string | RedisTarget): string | null {
  if (redis.status === 'ready') return null;
  const reason = lastRedisError.get(redis) ?? (redis.status === 'end' ? 'connection closed' : undefined);
  if (reason === undefined) return null;
  const { variable, address } = redisLocation(target);
  return `cannot reach Redis at ${address} (${variable}): ${reason}`;
}

/** Growing pauses between attempts to reach a store: 1 s, 2 s, 4 s … up to 30 s. */
export function retryDelayMs(attempt: number): number {
  return Math.min(1000 * 2 ** Math.max(0, attempt - 1), 30_000);
}

/**
 * Tries `reach` until it succeeds, one log line per failed attempt naming the setting and the address. A
 * failure that is not an outage (a wrong password is one; a bug is not) is thrown at once.
 */
export async function waitUntilReachable(
  reach: () => Promise<unknown>,
  logger: Logger,
  sleep: (ms: number) => Promise<void> = (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await reach();
      return;
    } catch (err) {
      if (!(err instanceof ServiceUnavailableError)) throw err;
      const retryInMs = retryDelayMs(attempt);
      logger.warn(
        { variable: err.variable, server: err.address, attempt, retryInMs, reason: err.reason },
        `${err.message}; retrying`,
      );
      await sleep(retryInMs);
    }
  }
}
