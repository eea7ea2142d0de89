import { sql, type Kysely } from 'kysely';

/** The promotion discount on an item's shipping, apart from the one on its price: each lowers its own component. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE order_items ADD COLUMN ship_promotion_discount numeric(18, 4)`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE order_items DROP COLUMN ship_promotion_discount`.execute(db);
}
