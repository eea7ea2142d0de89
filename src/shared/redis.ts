import { Redis } from 'ioredis';
import type { Logger } from './logger.js';

export type { Redis } from 'ioredis';

/** A connection for BullMQ workers and our own commands; BullMQ requires maxRetriesPerRequest null. */
export function createRedis(url: string): Redis {
  return new Redis(url, { maxRetriesPerRequest: null, enableReadyCheck: true, lazyConnect: false });
}

/** BullMQ loses jobs when Redis may evict keys; anything but noeviction is an operator error. */
export async function checkEvictionPolicy(redis: Redis, logger: Logger): Promise<string> {
  const reply = (await redis.config('GET', 'maxmemory-policy')) as string[];
  const policy = reply[1] ?? 'unknown';
  if (policy !== 'noeviction') {
    logger.error(
      { maxmemoryPolicy: policy },
      'redis maxmemory-policy is not noeviction: queued jobs and schedules can be evicted; set maxmemory-policy noeviction',
    );
  }
  return policy;
}
