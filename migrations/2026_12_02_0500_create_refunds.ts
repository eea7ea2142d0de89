import { sql, type Kysely } from 'kysely';

const list = (values: string[]) => sql.raw(values.map((value) => `'${value}'`).join(', '));

const REASONS = list([
  'NoInventory',
  'CustomerReturn',
  'GeneralAdjustment',
  'CouldNotShip',
  'DifferentItem',
  'Abandoned',
  'CustomerCancel',
  'PriceError',
  'ProductOutofStock',
  'CustomerAddressIncorrect',
  'Exchange',
  'Other',
  'CarrierCreditDecision',
  'RiskAssessmentInformationNotValid',
  'CarrierCoverageFailure',
  'TransactionRecord',
  'Undeliverable',
  'RefusedDelivery',
]);

const COMPONENTS = list([
  'Principal',
  'Shipping',
  'Tax',
  'ShippingTax',
  'RestockingFee',
  'RestockingFeeTax',
  'GiftWrap',
  'GiftWrapTax',
  'Surcharge',
  'ReturnShipping',
  'Goodwill',
  'ExportCharge',
  'COD',
  'CODTax',
  'Other',
  'FreeReplacementReturnShipping',
]);

/** Refunds sent to Amazon as payment-adjustment feeds (or issued by Amazon), and seller-fulfilled returns. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE refunds (
      id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      company_id       bigint NOT NULL REFERENCES companies (id) ON DELETE CASCADE,
      order_id         bigint NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
      amazon_order_id  text NOT NULL,
      marketplace_id   text NOT NULL,
      currency         text NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
      reason           text NOT NULL CHECK (reason IN (${REASONS})),
      initiated_by     text NOT NULL CHECK (initiated_by IN ('seller', 'amazon')),
      "full"           boolean NOT NULL DEFAULT false,
      state            text NOT NULL DEFAULT 'requested'
                       CHECK (state IN ('requested', 'in_feed', 'accepted', 'rejected', 'cancelled')),
      hold_until       timestamptz NOT NULL,
      feed_id          bigint REFERENCES feeds (id) ON DELETE SET NULL,
      attempts         integer NOT NULL DEFAULT 0 CHECK (attempts >= 0),
      retry_after      timestamptz,
      last_error       text,
      result_code      text,
      result_message   text,
      requested_at     timestamptz NOT NULL DEFAULT now(),
      finished_at      timestamptz,
      updated_at       timestamptz NOT NULL DEFAULT now(),
      CHECK (state <> 'in_feed' OR feed_id IS NOT NULL),
      CHECK (state <> 'rejected' OR result_message IS NOT NULL),
      CHECK ((state IN ('accepted', 'rejected', 'cancelled')) = (finished_at IS NOT NULL)),
      CHECK (initiated_by = 'seller' OR state = 'accepted')
    )
  `.execute(db);
  await sql`CREATE INDEX refunds_company_state ON refunds (company_id, state, hold_until, id)`.execute(db);
  await sql`CREATE INDEX refunds_order ON refunds (order_id)`.execute(db);

  await sql`
    CREATE TABLE refund_items (
      refund_id                    bigint NOT NULL REFERENCES refunds (id) ON DELETE CASCADE,
      order_item_row_id            bigint NOT NULL REFERENCES order_items (id) ON DELETE CASCADE,
      order_item_id                text NOT NULL,
      merchant_adjustment_item_id  text NOT NULL UNIQUE CHECK (length(merchant_adjustment_item_id) BETWEEN 1 AND 50),
      quantity                     integer CHECK (quantity >= 1),
      PRIMARY KEY (refund_id, order_item_row_id)
    )
  `.execute(db);

  await sql`
    CREATE TABLE refund_lines (
      refund_id            bigint NOT NULL,
      order_item_row_id    bigint NOT NULL,
      component            text NOT NULL CHECK (component IN (${COMPONENTS})),
      amount               numeric(18, 4) NOT NULL CHECK (amount <> 0),
      settlement_line_ref  text,
      PRIMARY KEY (refund_id, order_item_row_id, component),
      FOREIGN KEY (refund_id, order_item_row_id) REFERENCES refund_items (refund_id, order_item_row_id)
        ON DELETE CASCADE,
      CHECK (amount > 0 OR component = 'RestockingFee')
    )
  `.execute(db);
  await sql`CREATE INDEX refund_lines_order_item ON refund_lines (order_item_row_id)`.execute(db);

  await sql`
    CREATE TABLE returns (
      id                bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      company_id        bigint NOT NULL REFERENCES companies (id) ON DELETE CASCADE,
      order_id          bigint NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
      amazon_order_id   text NOT NULL,
      reason            text NOT NULL CHECK (length(reason) BETWEEN 1 AND 500),
      condition         text NOT NULL CHECK (condition IN ('sellable', 'damaged', 'defective', 'opened', 'missing-parts', 'wrong-item')),
      state             text NOT NULL DEFAULT 'authorized'
                        CHECK (state IN ('authorized', 'received', 'refunded', 'closed')),
      refund_id         bigint REFERENCES refunds (id) ON DELETE SET NULL,
      authorized_at     timestamptz NOT NULL DEFAULT now(),
      received_at       timestamptz,
      refund_by         timestamptz,
      refunded_at       timestamptz,
      closed_at         timestamptz,
      updated_at        timestamptz NOT NULL DEFAULT now(),
      CHECK ((state = 'authorized') = (received_at IS NULL)),
      CHECK ((received_at IS NULL) = (refund_by IS NULL))
    )
  `.execute(db);
  await sql`CREATE INDEX returns_company_state ON returns (company_id, state, refund_by)`.execute(db);

  await sql`
    CREATE TABLE return_items (
      return_id          bigint NOT NULL REFERENCES returns (id) ON DELETE CASCADE,
      order_item_row_id  bigint NOT NULL REFERENCES order_items (id) ON DELETE CASCADE,
      order_item_id      text NOT NULL,
      quantity           integer NOT NULL CHECK (quantity >= 1),
      PRIMARY KEY (return_id, order_item_row_id)
    )
  `.execute(db);

  await sql`ALTER TABLE job_runs DROP CONSTRAINT job_runs_kind_check`.execute(db);
  await sql`
    ALTER TABLE job_runs ADD CONSTRAINT job_runs_kind_check
      CHECK (kind IN ('order-download', 'fulfillment-upload', 'settlement-reconciliation',
                      'buyer-data-retention', 'feed-follow-up', 'cancellation-upload', 'refund-upload'))
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DELETE FROM job_runs WHERE kind = 'refund-upload'`.execute(db);
  await sql`ALTER TABLE job_runs DROP CONSTRAINT job_runs_kind_check`.execute(db);
  await sql`
    ALTER TABLE job_runs ADD CONSTRAINT job_runs_kind_check
      CHECK (kind IN ('order-download', 'fulfillment-upload', 'settlement-reconciliation',
                      'buyer-data-retention', 'feed-follow-up', 'cancellation-upload'))
  `.execute(db);
  await sql`DROP TABLE return_items`.execute(db);
  await sql`DROP TABLE returns`.execute(db);
  await sql`DROP TABLE refund_lines`.execute(db);
  await sql`DROP TABLE refund_items`.execute(db);
  await sql`DROP TABLE refunds`.execute(db);
}
