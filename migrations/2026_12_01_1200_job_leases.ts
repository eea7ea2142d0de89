import { sql, type Kysely } from 'kysely';

/**
 * One run of a (kind, company) at a time: the lease row names its holder and a fencing token that grows
 * by one with every new holder; the row is kept when released so tokens never repeat.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE job_leases (
      kind        text NOT NULL CHECK (length(kind) BETWEEN 1 AND 60),
      company_id  bigint NOT NULL REFERENCES companies (id) ON DELETE CASCADE,
      holder      text NOT NULL,
      token       bigint NOT NULL CHECK (token > 0),
      expires_at  timestamptz NOT NULL,
      PRIMARY KEY (kind, company_id)
    )
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP TABLE job_leases`.execute(db);
}
