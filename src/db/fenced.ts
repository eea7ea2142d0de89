import {
  CompiledQuery,
  Kysely,
  PostgresDialect,
  type DatabaseConnection,
  type Driver,
  type QueryResult,
  type TransactionSettings,
} from 'kysely';
import type pg from 'pg';
import type { Database } from './database.js';

/**
 * Decides, on the connection and inside the transaction about to write, whether the writer may still
 * write; throws when it may not. Whatever it locks is held until that transaction ends.
 */
export type WriteFence = (connection: DatabaseConnection) => Promise<void>;

const WRITE_NODES = new Set([
  'InsertQueryNode',
  'UpdateQueryNode',
  'DeleteQueryNode',
  'MergeQueryNode',
  'RawNode',
]);

class FencedConnection implements DatabaseConnection {
  inTransaction = false;

  constructor(
    readonly inner: DatabaseConnection,
    private readonly fence: WriteFence,
  ) {}

  async executeQuery<R>(query: CompiledQuery): Promise<QueryResult<R>> {
    if (this.inTransaction || !WRITE_NODES.has(query.query.kind)) return this.inner.executeQuery<R>(query);
    // A write outside a transaction gets one of its own, so that it too is checked before it commits.
    await this.inner.executeQuery(CompiledQuery.raw('begin'));
    try {
      await this.fence(this.inner);
      const result = await this.inner.executeQuery<R>(query);
      await this.inner.executeQuery(CompiledQuery.raw('commit'));
      return result;
    } catch (err) {
      await this.inner.executeQuery(CompiledQuery.raw('rollback')).catch(() => undefined);
      throw err;
    }
  }

  streamQuery<R>(query: CompiledQuery, chunkSize?: number): AsyncIterableIterator<QueryResult<R>> {
    return this.inner.streamQuery<R>(query, chunkSize);
  }
}

function innerOf(connection: DatabaseConnection): FencedConnection {
  if (!(connection instanceof FencedConnection)) throw new Error('not a connection of the fenced driver');
  return connection;
}

class FencedDriver implements Driver {
  constructor(
    private readonly inner: Driver,
    private readonly fence: WriteFence,
  ) {}

  init(): Promise<void> {
    return this.inner.init();
  }

  async acquireConnection(): Promise<DatabaseConnection> {
    return new FencedConnection(await this.inner.acquireConnection(), this.fence);
  }

  async beginTransaction(connection: DatabaseConnection, settings: TransactionSettings): Promise<void> {
    const fenced = innerOf(connection);
    await this.inner.beginTransaction(fenced.inner, settings);
    try {
      await this.fence(fenced.inner);
    } catch (err) {
      // Kysely only rolls back a transaction whose begin succeeded.
      await this.inner.rollbackTransaction(fenced.inner).catch(() => undefined);
      throw err;
    }
    fenced.inTransaction = true;
  }

  async commitTransaction(connection: DatabaseConnection): Promise<void> {
    const fenced = innerOf(connection);
    fenced.inTransaction = false;
    await this.inner.commitTransaction(fenced.inner);
  }

  async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    const fenced = innerOf(connection);
    fenced.inTransaction = false;
    await this.inner.rollbackTransaction(fenced.inner);
  }

  releaseConnection(connection: DatabaseConnection): Promise<void> {
    return this.inner.releaseConnection(innerOf(connection).inner);
  }

  /** The pool belongs to the database this one was made from; it closes it. */
  async destroy(): Promise<void> {}
}

class FencedPostgresDialect extends PostgresDialect {
  constructor(
    pool: pg.Pool,
    private readonly fence: WriteFence,
  ) {
    super({ pool });
  }

  override createDriver(): Driver {
    return new FencedDriver(super.createDriver(), this.fence);
  }
}

/**
 * The same database over the same pool, where every transaction that can write (and every write made
 * outside one, given a transaction of its own) first passes `fence`.
 */
export function createFencedDb(pool: pg.Pool, fence: WriteFence): Kysely<Database> {
  return new Kysely<Database>({ dialect: new FencedPostgresDialect(pool, fence) });
}
