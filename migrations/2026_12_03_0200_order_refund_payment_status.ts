import { sql, type Kysely } from 'kysely';

/**
 * The order's payment as refunds leave it (pending, paid, partially_refunded, refunded), stored and kept
 * current by the refunds domain in the transaction of each event that changes it. Orders stored before
 * have none (NULL) until their first refresh, which the first read of their payment status does.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    ALTER TABLE orders ADD COLUMN refund_payment_status text
      CHECK (refund_payment_status IN ('pending', 'paid', 'partially_refunded', 'refunded'))
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE orders DROP COLUMN refund_payment_status`.execute(db);
}
