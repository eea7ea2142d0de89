import { sql, type Kysely } from 'kysely';

/**
 * Checkout by Amazon orders a download skipped while the company did not import them: remembered, so
 * that they are fetched once the company turns the setting on, whatever window they were in.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE skipped_checkout_by_amazon_orders (
      company_id       bigint NOT NULL REFERENCES companies (id) ON DELETE CASCADE,
      amazon_order_id  text NOT NULL CHECK (length(amazon_order_id) BETWEEN 1 AND 50),
      last_updated_at  timestamptz NOT NULL,
      skipped_at       timestamptz NOT NULL,
      source           text NOT NULL,
      PRIMARY KEY (company_id, amazon_order_id)
    )
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP TABLE skipped_checkout_by_amazon_orders`.execute(db);
}
