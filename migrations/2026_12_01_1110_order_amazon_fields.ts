import { sql, type Kysely } from 'kysely';

/**
 * What Amazon sends that a seller uses: the seller's own order id, the programs as sent, the packages
 * Amazon knows, enum values not known yet; per item the price designation, gift wrap level and the
 * (encrypted) gift message.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    ALTER TABLE orders
      ADD COLUMN seller_order_id text,
      ADD COLUMN programs text[] NOT NULL DEFAULT '{}',
      ADD COLUMN amazon_packages jsonb NOT NULL DEFAULT '[]',
      ADD COLUMN unknown_values jsonb NOT NULL DEFAULT '[]'
  `.execute(db);
  await sql`
    ALTER TABLE order_items
      ADD COLUMN price_designation text,
      ADD COLUMN gift_wrap_level text,
      ADD COLUMN gift_message_enc text
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    ALTER TABLE order_items
      DROP COLUMN price_designation, DROP COLUMN gift_wrap_level, DROP COLUMN gift_message_enc
  `.execute(db);
  await sql`
    ALTER TABLE orders
      DROP COLUMN seller_order_id, DROP COLUMN programs, DROP COLUMN amazon_packages, DROP COLUMN unknown_values
  `.execute(db);
}
