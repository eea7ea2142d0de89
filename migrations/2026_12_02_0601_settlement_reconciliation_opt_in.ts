import { sql, type Kysely } from 'kysely';

/**
 * Settlement reconciliation becomes a setting a company turns on, like every other one that makes calls
 * to Amazon. While it was withdrawn the column was never shown or set, so no company chose its value.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE companies ALTER COLUMN settlement_reconciliation SET DEFAULT false`.execute(db);
  await sql`UPDATE companies SET settlement_reconciliation = false`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE companies ALTER COLUMN settlement_reconciliation SET DEFAULT true`.execute(db);
}
