import { sql, type Kysely } from 'kysely';

/**
 * Idempotency keys of admin API requests that lead to something sent to Amazon (ship, cancel): the
 * answer of the first request is kept and given again to a repeat with the same key.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE admin_idempotency_keys (
      key            text PRIMARY KEY CHECK (length(key) BETWEEN 1 AND 200),
      fingerprint    text NOT NULL,
      state          text NOT NULL DEFAULT 'started' CHECK (state IN ('started', 'done')),
      status_code    integer,
      response       jsonb,
      created_at     timestamptz NOT NULL DEFAULT now(),
      finished_at    timestamptz,
      CHECK ((state = 'done') = (status_code IS NOT NULL AND finished_at IS NOT NULL))
    )
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP TABLE admin_idempotency_keys`.execute(db);
}
