import { sql, type Kysely } from 'kysely';

// Feed kinds are registered by the domains that send them; the table no longer lists them.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE feeds DROP CONSTRAINT IF EXISTS feeds_kind_check`.execute(db);
  await sql`
    ALTER TABLE feeds ADD CONSTRAINT feeds_kind_name CHECK (kind ~ '^[a-z][a-z0-9-]{0,62}$')
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE feeds DROP CONSTRAINT IF EXISTS feeds_kind_name`.execute(db);
  await sql`
    ALTER TABLE feeds ADD CONSTRAINT feeds_kind_check
    CHECK (kind IN ('order-fulfillment', 'order-acknowledgement', 'payment-adjustment'))
  `.execute(db);
}
