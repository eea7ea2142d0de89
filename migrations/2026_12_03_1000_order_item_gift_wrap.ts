import { sql, type Kysely } from 'kysely';

/** The gift wrap price and its tax per order item, as Amazon charged them: GiftWrap refunds are capped by them. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE order_items ADD COLUMN gift_wrap_price numeric(18, 4), ADD COLUMN gift_wrap_tax numeric(18, 4)`.execute(
    db,
  );
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE order_items DROP COLUMN gift_wrap_price, DROP COLUMN gift_wrap_tax`.execute(db);
}
