import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE order_download_problems (
      id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      company_id       bigint NOT NULL REFERENCES companies (id) ON DELETE CASCADE,
      amazon_order_id  text CHECK (length(amazon_order_id) BETWEEN 1 AND 50),
      problem          text NOT NULL CHECK (length(problem) > 0),
      first_seen_at    timestamptz NOT NULL DEFAULT now(),
      last_seen_at     timestamptz NOT NULL DEFAULT now(),
      seen_by_run_id   bigint REFERENCES job_runs (id) ON DELETE SET NULL,
      resolved_at      timestamptz
    )
  `.execute(db);
  // An order without an id cannot be matched again: each such sighting is its own row.
  await sql`
    CREATE UNIQUE INDEX order_download_problems_order
      ON order_download_problems (company_id, amazon_order_id)
  `.execute(db);
  await sql`
    CREATE INDEX order_download_problems_open
      ON order_download_problems (company_id, last_seen_at) WHERE resolved_at IS NULL
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP TABLE order_download_problems`.execute(db);
}
