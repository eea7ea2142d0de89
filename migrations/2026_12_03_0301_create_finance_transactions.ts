import { sql, type Kysely } from 'kysely';

/**
 * What the Finances API (listTransactions, 2024-06-19) reported for orders with open questions, days
 * before their settlement: one row per transaction (a shipment's payment, deferred or released; a
 * refund, ours or Amazon's), marked once a settlement confirms it. And where each company's reading of
 * it stands: the window being read, its next page, and how far every transaction is stored.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE finance_transactions (
      company_id          bigint NOT NULL REFERENCES companies (id) ON DELETE CASCADE,
      transaction_id      text NOT NULL,
      amazon_order_id     text NOT NULL,
      transaction_type    text NOT NULL,
      transaction_status  text,
      description         text,
      posted_at           timestamptz NOT NULL,
      total_amount        numeric(18, 4) NOT NULL,
      given_back          numeric(18, 4),
      currency            text NOT NULL,
      refund_id           text,
      shipment_id         text,
      maturity_at         timestamptz,
      initiated_by        text CHECK (initiated_by IN ('seller', 'amazon')),
      matched_refund_id   bigint,
      settlement_id       text,
      raw                 jsonb NOT NULL,
      first_seen_at       timestamptz NOT NULL,
      updated_at          timestamptz NOT NULL,
      PRIMARY KEY (company_id, transaction_id),
      CHECK ((initiated_by IS NULL) = (transaction_type <> 'Refund'))
    )
  `.execute(db);
  await sql`CREATE INDEX finance_transactions_order ON finance_transactions (company_id, amazon_order_id)`.execute(
    db,
  );
  await sql`
    CREATE TABLE finance_cursors (
      company_id     bigint PRIMARY KEY REFERENCES companies (id) ON DELETE CASCADE,
      stored_before  timestamptz NOT NULL,
      window_start   timestamptz,
      window_end     timestamptz,
      next_token     text,
      updated_at     timestamptz NOT NULL,
      CHECK ((window_start IS NULL) = (window_end IS NULL))
    )
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP TABLE finance_cursors, finance_transactions`.execute(db);
}
