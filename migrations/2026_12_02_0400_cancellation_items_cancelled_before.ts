import { sql, type Kysely } from 'kysely';

/**
 * Each cancelled line remembers how many units of its item were already cancelled when it was
 * requested, so Amazon's acceptance raises the item to that plus its own units once, whether or not an
 * order download has already shown Amazon's cancellation. Lines recorded before have none (NULL).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    ALTER TABLE cancellation_items
      ADD COLUMN cancelled_before integer CHECK (cancelled_before >= 0)
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE cancellation_items DROP COLUMN cancelled_before`.execute(db);
}
