import { Kysely, PostgresDialect, type Transaction } from 'kysely';
import pg from 'pg';
import type { Database } from './database.js';

export type Db = Kysely<Database>;

/** A transaction on the database; every repository function that writes inside one takes it. */
export type Tx = Transaction<Database>;

// int8 (bigint ids, counts) arrives as a string by default; ids stay well below 2^53.
pg.types.setTypeParser(pg.types.builtins.INT8, (value) => Number(value));

/**
 * A pooled connection to Postgres. An idle connection that breaks (a Postgres restart, a terminated
 * backend) is reported to `onIdleError` and replaced by the pool; it must not take the process down.
 */
export function createDb(
  databaseUrl: string,
  maxConnections = 10,
  onIdleError: (err: Error) => void = () => undefined,
  options: { connectionTimeoutMillis?: number } = {},
): Db {
  const pool = new pg.Pool({ connectionString: databaseUrl, max: maxConnections, ...options });
  pool.on('error', onIdleError);
  return new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
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
