import pg from 'pg';
import { UsageError } from '../shared/errors.js';
import { closeRedis, createRedis, deleteKeysWithPrefix, type RedisTarget } from '../shared/redis.js';

/**
 * The demo's own database and Redis prefix, emptied at every start. The simulator keeps Amazon in memory,
 * so a second demo begins a new marketplace with the same order ids; sellersync must begin with it, or
 * it would take those orders for the previous run's (already shipped, already confirmed) ones.
 * They are never the operator's: `<database>_demo` beside DATABASE_URL's database, `<prefix>-demo`.
 */

export interface DemoStores {
  databaseUrl: string;
  redisPrefix: string;
}

const DEFAULT_DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/sellersync';

export function demoStores(env: Record<string, string | undefined>): DemoStores {
  const url = new URL(env.DATABASE_URL || DEFAULT_DATABASE_URL);
  const name = decodeURIComponent(url.pathname.replace(/^\//, '')) || 'sellersync';
  url.pathname = `/${encodeURIComponent(name.endsWith('_demo') ? name : `${name}_demo`)}`;
  const prefix = env.REDIS_PREFIX || 'sellersync';
  return { databaseUrl: url.toString(), redisPrefix: prefix.endsWith('-demo') ? prefix : `${prefix}-demo` };
}

async function dropDemoDatabase(databaseUrl: string): Promise<void> {
  const url = new URL(databaseUrl);
  const name = decodeURIComponent(url.pathname.replace(/^\//, ''));
  url.pathname = '/postgres';
  const client = new pg.Client({ connectionString: url.toString() });
  await client.connect();
  try {
    const active = await client.query('SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = $1', [
      name,
    ]);
    if ((active.rows[0] as { n: number }).n > 0) {
      throw new UsageError(`the demo database ${name} is in use: is another demo running? Stop it first`);
    }
    await client.query(`DROP DATABASE IF EXISTS ${pg.escapeIdentifier(name)}`);
  } finally {
    await client.end();
  }
}

/** Drops the demo database (created and migrated again by the daemon) and the demo's Redis keys. */
export async function resetDemoStores(stores: DemoStores, redisTarget: string | RedisTarget): Promise<void> {
  await dropDemoDatabase(stores.databaseUrl);
  const redis = createRedis(redisTarget);
  try {
    await deleteKeysWithPrefix(redis, stores.redisPrefix);
  } finally {
    await closeRedis(redis);
  }
}
