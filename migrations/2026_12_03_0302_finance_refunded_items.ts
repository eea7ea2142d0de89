import { sql, type Kysely } from 'kysely';

/** What a refund the Finances API reported gave back, per SKU and component, for the order's payment status. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE finance_transactions ADD COLUMN refunded_items jsonb NOT NULL DEFAULT '[]'`.execute(
    db,
  );
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE finance_transactions DROP COLUMN refunded_items`.execute(db);
}
