import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '../../test/helpers/context.js';
import { checkEvictionPolicy } from './redis.js';

let context: TestContext;
beforeAll(async () => {
  context = await createTestContext();
});
afterAll(async () => context.cleanup());

describe('Redis eviction policy check', () => {
  it('logs an error when Redis may evict keys, and nothing when it may not', async () => {
    const original = ((await context.redis.config('GET', 'maxmemory-policy')) as string[])[1] ?? 'noeviction';
    try {
      await context.redis.config('SET', 'maxmemory-policy', 'allkeys-lru');
      expect(await checkEvictionPolicy(context.redis, context.logger)).toBe('allkeys-lru');
      const error = context.logs.entries().find((entry) => entry.level === 50);
      expect(error).toMatchObject({
        maxmemoryPolicy: 'allkeys-lru',
        msg: expect.stringMatching(/noeviction/),
      });

      await context.redis.config('SET', 'maxmemory-policy', 'noeviction');
      const before = context.logs.lines.length;
      expect(await checkEvictionPolicy(context.redis, context.logger)).toBe('noeviction');
      expect(context.logs.lines.length).toBe(before);
    } finally {
      await context.redis.config('SET', 'maxmemory-policy', original);
    }
  });
});
