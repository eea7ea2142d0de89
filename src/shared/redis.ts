import { Cluster, Redis as Standalone, type ClusterOptions, type RedisOptions } from 'ioredis';
import type { Logger } from './logger.js';
import { targetOf, type RedisTarget } from './redis-target.js';

export { queueKeyPrefix, type ClusterNode, type RedisTarget } from './redis-target.js';

/** One Redis server or a Redis Cluster: BullMQ and every command here work on either. */
export type Redis = Standalone | Cluster;

/** The user, password and TLS of a URL, for every node of a cluster. */
function nodeOptions(url: string): RedisOptions {
  const parsed = new URL(url);
  return {
    ...(parsed.username === '' ? {} : { username: decodeURIComponent(parsed.username) }),
    ...(parsed.password === '' ? {} : { password: decodeURIComponent(parsed.password) }),
    ...(parsed.protocol === 'rediss:' ? { tls: {} } : {}),
  };
}

/** A standalone connection with these options, or a cluster client with them applied to every node. */
export function connectRedis(
  target: string | RedisTarget,
  options: RedisOptions,
  clusterOptions: Omit<ClusterOptions, 'redisOptions'> = {},
): Redis {
  const { url, clusterNodes } = targetOf(target);
  if (clusterNodes === undefined) return new Standalone(url, options);
  const { retryStrategy, lazyConnect, enableReadyCheck, enableOfflineQueue, maxRetriesPerRequest, ...rest } =
    options;
  return new Cluster(
    clusterNodes.map((node) => ({ ...node })),
    {
      ...(retryStrategy === undefined ? {} : { clusterRetryStrategy: retryStrategy }),
      ...(lazyConnect === undefined ? {} : { lazyConnect }),
      ...(enableReadyCheck === undefined ? {} : { enableReadyCheck }),
      ...(enableOfflineQueue === undefined ? {} : { enableOfflineQueue }),
      ...clusterOptions,
      redisOptions: { ...nodeOptions(url), ...rest, maxRetriesPerRequest },
    },
  );
}

/** The primaries of a cluster, or the one server: what per-server commands (CONFIG, INFO, SCAN) go to. */
export function primaries(redis: Redis): Standalone[] {
  return redis instanceof Cluster ? redis.nodes('master') : [redis];
}

/** A connection for BullMQ (queues, workers, schedules); BullMQ requires maxRetriesPerRequest null. */
export function createRedis(target: string | RedisTarget, options: { lazyConnect?: boolean } = {}): Redis {
  return connectRedis(target, {
    maxRetriesPerRequest: null,
    enableReadyCheck: true,
    lazyConnect: options.lazyConnect ?? false,
    // Reconnection after an outage: 0.5 s, 1 s, 2 s … up to 10 s between attempts.
    retryStrategy: (attempt: number) => Math.min(500 * 2 ** (attempt - 1), 10_000),
  });
}

/** Quits a connection, or just drops it when it never connected (a lazy one nobody used). */
export async function closeRedis(redis: Redis): Promise<void> {
  if (redis.status === 'wait' || redis.status === 'end') {
    redis.disconnect();
    return;
  }
  await redis.quit();
}

/** How soon a fail-fast connection gives up on an unreachable or unresponsive Redis. */
export interface FailFastLimits {
  connectTimeoutMs: number;
  commandTimeoutMs: number;
  retriesPerRequest: number;
}

export const DEFAULT_FAIL_FAST_LIMITS: FailFastLimits = {
  connectTimeoutMs: 2_000,
  commandTimeoutMs: 5_000,
  retriesPerRequest: 1,
};

/**
 * A connection for commands a caller waits on (rate-limit slots, cached access tokens): while Redis is
 * unreachable a command fails within seconds instead of waiting for the reconnection, so the work that
 * needed it fails with a clear reason rather than hanging.
 */
export function createFailFastRedis(
  target: string | RedisTarget,
  limits: FailFastLimits = DEFAULT_FAIL_FAST_LIMITS,
): Redis {
  return connectRedis(target, {
    maxRetriesPerRequest: limits.retriesPerRequest,
    connectTimeout: limits.connectTimeoutMs,
    commandTimeout: limits.commandTimeoutMs,
    enableReadyCheck: true,
    lazyConnect: false,
  });
}

/** A Redis command that failed (unreachable, timed out, refused): says what it was for. */
export class RedisCommandError extends Error {
  override name = 'RedisCommandError';
}

/**
 * Redis refusing a command rather than failing it: out of memory under `maxmemory` (noeviction), a
 * read-only replica, a server still loading or busy with a script, a cluster without a primary, a
 * failed background save. Each reply starts with its code.
 */
const REFUSALS = /^(OOM|READONLY|LOADING|BUSY|MASTERDOWN|CLUSTERDOWN|TRYAGAIN|MISCONF|NOREPLICAS)\b/;

/**
 * A failure that is Redis's, not ours: a refusal (above), or ioredis giving up on the connection (closed,
 * or out of retries for the command).
 */
export function isRedisFailure(err: unknown): boolean {
  const error = err as { name?: string; message?: string };
  const message = error.message ?? '';
  return (
    (error.name === 'ReplyError' && REFUSALS.test(message)) ||
    error.name === 'MaxRetriesPerRequestError' ||
    message === 'Connection is closed.'
  );
}

/** Runs Redis commands for `purpose`; any failure becomes a RedisCommandError naming the purpose. */
export async function usingRedis<T>(purpose: string, commands: () => Promise<T>): Promise<T> {
  try {
    return await commands();
  } catch (err) {
    throw new RedisCommandError(`${purpose}: redis did not answer (${(err as Error).message})`, {
      cause: err,
    });
  }
}

export type RedisScript = (keys: string[], args: (string | number)[]) => Promise<unknown>;

/**
 * A Lua script registered on the connection (ioredis `defineCommand`): it is sent once and then run by
 * its digest (EVALSHA), loaded again only when Redis answers NOSCRIPT (after a restart or SCRIPT FLUSH).
 */
export function defineScript(redis: Redis, name: string, numberOfKeys: number, lua: string): RedisScript {
  const commands = redis as unknown as Record<string, (...args: (string | number)[]) => Promise<unknown>>;
  if (typeof commands[name] !== 'function') redis.defineCommand(name, { numberOfKeys, lua });
  return (keys, args) => {
    const command = commands[name];
    if (command === undefined) throw new Error(`redis script ${name} is not defined`);
    return command.call(redis, ...keys, ...args);
  };
}

/** BullMQ loses jobs when Redis may evict keys; anything but noeviction is an operator error. */
export async function checkEvictionPolicy(redis: Redis, logger: Logger): Promise<string> {
  const policies = new Set<string>();
  for (const server of primaries(redis)) {
    const reply = (await server.config('GET', 'maxmemory-policy')) as string[];
    policies.add(reply[1] ?? 'unknown');
  }
  const policy = [...policies].find((each) => each !== 'noeviction') ?? 'noeviction';
  if (policy !== 'noeviction') {
    logger.error(
      { maxmemoryPolicy: policy },
      'redis maxmemory-policy is not noeviction: queued jobs and schedules can be evicted; set maxmemory-policy noeviction',
    );
  }
  return policy;
}

/**
 * Deletes every key under `prefix:` and the queues' `{prefix}:` (SCAN on each server, never KEYS or
 * FLUSHALL; one key at a time, as a cluster refuses a DEL across slots); returns how many.
 */
export async function deleteKeysWithPrefix(redis: Redis, prefix: string): Promise<number> {
  let deleted = 0;
  for (const server of primaries(redis)) {
    for (const pattern of [`${prefix}:*`, `{${prefix}}:*`]) {
      let cursor = '0';
      do {
        const [next, keys] = await server.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
        cursor = next;
        if (keys.length === 0) continue;
        const pipeline = server.pipeline();
        for (const key of keys) pipeline.del(key);
        for (const [err, count] of (await pipeline.exec()) ?? []) {
          if (err) throw err;
          deleted += Number(count);
        }
      } while (cursor !== '0');
    }
  }
  return deleted;
}
