import { sql, type Kysely } from 'kysely';

const REASONS = sql.raw(
  [
    'NoInventory',
    'ShippingAddressUndeliverable',
    'CustomerExchange',
    'BuyerCanceled',
    'GeneralAdjustment',
    'CarrierCreditDecision',
    'RiskAssessmentInformationNotValid',
    'CarrierCoverageFailure',
    'CustomerReturn',
    'MerchandiseNotReceived',
    'CannotVerifyInformation',
    'PricingError',
    'RejectOrder',
    'WeatherDelay',
  ]
    .map((reason) => `'${reason}'`)
    .join(', '),
);

/** Seller cancellations sent to Amazon as order-acknowledgement feeds, and the SKUs zeroed with them. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE cancellations (
      id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      company_id       bigint NOT NULL REFERENCES companies (id) ON DELETE CASCADE,
      order_id         bigint NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
      amazon_order_id  text NOT NULL,
      marketplace_id   text NOT NULL,
      reason           text NOT NULL CHECK (reason IN (${REASONS})),
      whole_order      boolean NOT NULL,
      buyer_requested  boolean NOT NULL,
      forced           boolean NOT NULL DEFAULT false,
      zero_inventory   boolean NOT NULL DEFAULT false,
      state            text NOT NULL DEFAULT 'requested'
                       CHECK (state IN ('requested', 'in_feed', 'accepted', 'rejected', 'released')),
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
      CHECK ((state IN ('accepted', 'rejected', 'released')) = (finished_at IS NOT NULL))
    )
  `.execute(db);
  await sql`CREATE INDEX cancellations_company_state ON cancellations (company_id, state, id)`.execute(db);
  await sql`CREATE INDEX cancellations_order ON cancellations (order_id)`.execute(db);

  await sql`
    CREATE TABLE cancellation_items (
      cancellation_id    bigint NOT NULL REFERENCES cancellations (id) ON DELETE CASCADE,
      order_item_row_id  bigint NOT NULL REFERENCES order_items (id) ON DELETE CASCADE,
      order_item_id      text NOT NULL,
      sku                text,
      quantity           integer NOT NULL CHECK (quantity >= 1),
      PRIMARY KEY (cancellation_id, order_item_row_id)
    )
  `.execute(db);
  await sql`CREATE INDEX cancellation_items_order_item ON cancellation_items (order_item_row_id)`.execute(db);

  await sql`
    CREATE TABLE inventory_zeroings (
      id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      company_id       bigint NOT NULL REFERENCES companies (id) ON DELETE CASCADE,
      cancellation_id  bigint REFERENCES cancellations (id) ON DELETE SET NULL,
      amazon_order_id  text NOT NULL,
      sku              text NOT NULL CHECK (length(sku) BETWEEN 1 AND 200),
      marketplace_id   text NOT NULL,
      state            text NOT NULL DEFAULT 'pending'
                       CHECK (state IN ('pending', 'accepted', 'invalid', 'failed')),
      submission_id    text,
      issues           jsonb NOT NULL DEFAULT '[]'::jsonb,
      error            text,
      attempts         integer NOT NULL DEFAULT 0 CHECK (attempts >= 0),
      requested_at     timestamptz NOT NULL DEFAULT now(),
      answered_at      timestamptz,
      CHECK ((state = 'pending') = (answered_at IS NULL)),
      UNIQUE (cancellation_id, sku)
    )
  `.execute(db);
  await sql`CREATE INDEX inventory_zeroings_company ON inventory_zeroings (company_id, state, id)`.execute(
    db,
  );

  await sql`ALTER TABLE job_runs DROP CONSTRAINT job_runs_kind_check`.execute(db);
  await sql`
    ALTER TABLE job_runs ADD CONSTRAINT job_runs_kind_check
      CHECK (kind IN ('order-download', 'fulfillment-upload', 'settlement-reconciliation',
                      'buyer-data-retention', 'feed-follow-up', 'cancellation-upload'))
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DELETE FROM job_runs WHERE kind = 'cancellation-upload'`.execute(db);
  await sql`ALTER TABLE job_runs DROP CONSTRAINT job_runs_kind_check`.execute(db);
  await sql`
    ALTER TABLE job_runs ADD CONSTRAINT job_runs_kind_check
      CHECK (kind IN ('order-download', 'fulfillment-upload', 'settlement-reconciliation',
                      'buyer-data-retention', 'feed-follow-up'))
  `.execute(db);
  await sql`DROP TABLE inventory_zeroings`.execute(db);
  await sql`DROP TABLE cancellation_items`.execute(db);
  await sql`DROP TABLE cancellations`.execute(db);
}
