import { sql, type Kysely } from 'kysely';

/** Why a return is back to received: Amazon's message when it rejected the return's refund. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE returns ADD COLUMN refund_problem text`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE returns DROP COLUMN refund_problem`.execute(db);
}
