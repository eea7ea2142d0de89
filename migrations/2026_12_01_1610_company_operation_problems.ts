import { sql, type Kysely } from 'kysely';

/** Amazon operations a company's grant may not call (a 403 that is not about the token): one row each. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE company_operation_problems (
      company_id    bigint NOT NULL REFERENCES companies (id) ON DELETE CASCADE,
      operation     text NOT NULL,
      problem       text NOT NULL,
      status        integer,
      first_seen_at timestamptz NOT NULL DEFAULT now(),
      last_seen_at  timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (company_id, operation)
    )
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP TABLE company_operation_problems`.execute(db);
}
