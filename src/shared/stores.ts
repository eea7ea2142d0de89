import { Redis } from 'ioredis';
import { MissingDatabaseError, ServiceUnavailableError } from './errors.js';

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

/**
 * A failure to reach Postgres named by DATABASE_URL and its address, or the database missing; anything
 * else (a query's own error) is returned unchanged.
 */
export function describePostgresFailure(err: unknown, databaseUrl: string): Error {
  const error = err as { code?: string; message?: string };
  if (error.code === '3D000')
    return new MissingDatabaseError(databaseName(databaseUrl), postgresAddress(databaseUrl));
  const timedOut = /timeout|timed out|Connection terminated/i.test(error.message ?? '');
  if ((error.code && CONNECTION_FAILURES.has(error.code)) || timedOut) {
    return new ServiceUnavailableError('DATABASE_URL', postgresAddress(databaseUrl), reasonOf(err));
  }
  return err instanceof Error ? err : new Error(String(err));
}

/** Connects once (no retries) within the timeout and pings; throws ServiceUnavailableError naming REDIS_URL. */
export async function probeRedis(redisUrl: string, timeoutMs = STORE_TIMEOUT_MS): Promise<void> {
  const probe = new Redis(redisUrl, {
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
    throw new ServiceUnavailableError('REDIS_URL', redisAddress(redisUrl), reasonOf(lastError ?? err));
  } finally {
    probe.disconnect();
  }
}
