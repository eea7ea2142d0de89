import { sql, type Kysely } from 'kysely';

/**
 * A company is `unverified` from the moment it is added until Amazon first accepts its credentials (a
 * token exchange), then `active`. Companies that exist already have been running: they stay as they are.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE companies DROP CONSTRAINT IF EXISTS companies_auth_status_check`.execute(db);
  await sql`
    ALTER TABLE companies ADD CONSTRAINT companies_auth_status_check
      CHECK (auth_status IN ('unverified', 'active', 'needs_reauthorization'))
  `.execute(db);
  await sql`ALTER TABLE companies ALTER COLUMN auth_status SET DEFAULT 'unverified'`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`UPDATE companies SET auth_status = 'active' WHERE auth_status = 'unverified'`.execute(db);
  await sql`ALTER TABLE companies ALTER COLUMN auth_status SET DEFAULT 'active'`.execute(db);
  await sql`ALTER TABLE companies DROP CONSTRAINT IF EXISTS companies_auth_status_check`.execute(db);
  await sql`
    ALTER TABLE companies ADD CONSTRAINT companies_auth_status_check
      CHECK (auth_status IN ('active', 'needs_reauthorization'))
  `.execute(db);
}
