import { sql, type Kysely } from 'kysely';

/**
 * Every change an operator made through the admin API, the console or the CLI. No foreign keys: the
 * entry about a company outlives the company.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE audit_log (
      id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      occurred_at      timestamptz NOT NULL DEFAULT now(),
      actor            text NOT NULL CHECK (length(actor) BETWEEN 1 AND 100),
      origin           text NOT NULL CHECK (length(origin) BETWEEN 1 AND 200),
      action           text NOT NULL CHECK (action ~ '^[a-z][a-z0-9.-]*$'),
      company_id       bigint,
      amazon_order_id  text,
      detail           jsonb NOT NULL DEFAULT '{}'::jsonb
    )
  `.execute(db);
  await sql`CREATE INDEX audit_log_company ON audit_log (company_id, id DESC)`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP TABLE audit_log`.execute(db);
}
