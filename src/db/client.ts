import { Kysely, PostgresDialect, type Transaction } from 'kysely';
import pg from 'pg';
import type { Database } from './database.js';
import { createFencedDb, type WriteFence } from './fenced.js';

export type Db = Kysely<Database>;

/** A transaction on the database; every repository function that writes inside one takes it. */
export type Tx = Transaction<Database>;

/**
 * Runs `work` in `db`'s transaction when `db` is one (a caller that makes it part of a larger change),
 * in a transaction of its own otherwise.
 */
export function inTransaction<T>(db: Db, work: (tx: Tx) => Promise<T>): Promise<T> {
  return db.isTransaction ? work(db as Tx) : db.transaction().execute(work);
}

// int8 (bigint ids, counts) arrives as a string by default; ids stay well below 2^53.
pg.types.setTypeParser(pg.types.builtins.INT8, (value) => Number(value));

const pools = new WeakMap<Db, pg.Pool>();

/**
 * A pooled connection to Postgres. A connection that breaks (a Postgres restart, a terminated backend)
 * is reported to `onConnectionError` and must not take the process down: pg only listens for errors
 * of idle connections, so every connection gets a listener of its own when it is made; the query it
 * was running fails, and the pool drops it when it is released.
 */
export function createDb(
  databaseUrl: string,
  maxConnections = 10,
  onConnectionError: (err: Error) => void = () => undefined,
  options: { connectionTimeoutMillis?: number; applicationName?: string } = {},
): Db {
  const pool = new pg.Pool({
    connectionString: databaseUrl,
    max: maxConnections,
    application_name: options.applicationName ?? 'sellersync',
    ...(options.connectionTimeoutMillis !== undefined && {
      connectionTimeoutMillis: options.connectionTimeoutMillis,
    }),
  });
  pool.on('connect', (client) => client.on('error', onConnectionError));
  // Also emitted for an idle connection's error, which its own listener has already reported.
  pool.on('error', () => undefined);
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  pools.set(db, pool);
  return db;
}

/** `db` over the same pool, every write of which passes `fence` first (see `createFencedDb`). */
export function withWriteFence(db: Db, fence: WriteFence): Db {
  const pool = pools.get(db);
  if (!pool) throw new Error('withWriteFence needs a database made by createDb');
  return createFencedDb(pool, fence);
}

/** Creates the database named in the URL when it does not exist yet (a first start, a fresh machine). */
export async function ensureDatabaseExists(
  databaseUrl: string,
  connectionTimeoutMillis?: number,
): Promise<boolean> {
  const url = new URL(databaseUrl);
  const name = decodeURIComponent(url.pathname.replace(/^\//, ''));
  if (!name) return false;
  url.pathname = '/postgres';
  const client = new pg.Client({ connectionString: url.toString(), connectionTimeoutMillis });
  // A connection lost mid-check fails the query below; the event must not be left unhandled.
  client.on('error', () => undefined);
  await client.connect();
  try {
    const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (found.rowCount) return false;
    await client.query(`CREATE DATABASE ${pg.escapeIdentifier(name)}`).catch((err: { code?: string }) => {
      // Created meanwhile by another process: 42P04, or 23505 when both inserted the name at once.
      if (err.code !== '42P04' && err.code !== '23505') throw err;
    });
    return true;
  } finally {
    await client.end();
  }
}
