import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, dropDatabase, type TestContext } from '../../test/helpers/context.js';
import { ensureDatabaseExists } from '../db/client.js';
import { demoStores, resetDemoStores } from './demo-stores.js';

let context: TestContext;
beforeAll(async () => {
  context = await createTestContext();
});
afterAll(async () => {
  await dropDatabase(`${context.databaseName}_demo`);
  await context.cleanup();
});

describe('the demo stores', () => {
  it('are the operator’s database and prefix with _demo / -demo, never the operator’s own', () => {
    expect(demoStores({})).toEqual({
      databaseUrl: 'postgres://postgres@127.0.0.1:5432/sellersync_demo',
      redisPrefix: 'sellersync-demo',
    });
    expect(demoStores({ DATABASE_URL: 'postgres://u:p@db:5433/shop', REDIS_PREFIX: 'shop' })).toEqual({
      databaseUrl: 'postgres://u:p@db:5433/shop_demo',
      redisPrefix: 'shop-demo',
    });
    expect(demoStores({ DATABASE_URL: 'postgres://u@db/x_demo', REDIS_PREFIX: 'x-demo' }).redisPrefix).toBe(
      'x-demo',
    );
  });

  it('are emptied at start, and left alone while another demo uses them', async () => {
    const stores = demoStores(context.env);
    await ensureDatabaseExists(stores.databaseUrl);
    await context.redis.set(`${stores.redisPrefix}:bull:old-job`, '1');
    await context.redis.set(`${context.redisPrefix}:kept`, '1');
    const running = new pg.Client({ connectionString: stores.databaseUrl });
    await running.connect();
    try {
      await expect(resetDemoStores(stores, context.env.REDIS_URL ?? '')).rejects.toThrow(
        /in use: is another demo running/,
      );
      expect(await context.redis.exists(`${stores.redisPrefix}:bull:old-job`)).toBe(1);
    } finally {
      await running.end();
    }
    await resetDemoStores(stores, context.env.REDIS_URL ?? '');
    expect(await context.redis.exists(`${stores.redisPrefix}:bull:old-job`)).toBe(0);
    expect(await context.redis.exists(`${context.redisPrefix}:kept`)).toBe(1);
    const admin = new pg.Client({ connectionString: context.databaseUrl });
    await admin.connect();
    const found = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [
      `${context.databaseName}_demo`,
    ]);
    await admin.end();
    expect(found.rowCount).toBe(0);
  });
});
