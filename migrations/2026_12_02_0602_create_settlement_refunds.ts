import { sql, type Kysely } from 'kysely';

/**
 * The refunds a settlement shows, one row per refunded line (order, item, adjustment): what was given
 * back, the commission Amazon returned, the refund administration fee it kept and what its rule says
 * that fee should be, who initiated the refund, and whether it matched one of ours.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE settlement_refunds (
      settlement_pk                bigint NOT NULL REFERENCES settlements (id) ON DELETE CASCADE,
      amazon_order_id              text NOT NULL,
      refund_key                   text NOT NULL,
      transaction_type             text NOT NULL,
      order_item_code              text,
      adjustment_id                text,
      merchant_adjustment_item_id  text,
      posted_at                    timestamptz,
      initiated_by                 text NOT NULL CHECK (initiated_by IN ('seller', 'amazon')),
      principal                    numeric(18, 4) NOT NULL,
      tax                          numeric(18, 4) NOT NULL,
      shipping                     numeric(18, 4) NOT NULL,
      promotions                   numeric(18, 4) NOT NULL,
      other                        numeric(18, 4) NOT NULL,
      commission_refunded          numeric(18, 4) NOT NULL,
      admin_fee                    numeric(18, 4) NOT NULL,
      expected_admin_fee           numeric(18, 4) NOT NULL,
      admin_fee_cap                numeric(18, 4),
      matched_refund_id            bigint,
      PRIMARY KEY (settlement_pk, amazon_order_id, refund_key)
    )
  `.execute(db);
  await sql`CREATE INDEX settlement_refunds_order ON settlement_refunds (amazon_order_id)`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP TABLE settlement_refunds`.execute(db);
}
