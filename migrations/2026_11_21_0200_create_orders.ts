import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE orders (
      id                          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      company_id                  bigint NOT NULL REFERENCES companies (id) ON DELETE CASCADE,
      amazon_order_id             text NOT NULL CHECK (length(amazon_order_id) BETWEEN 1 AND 50),
      marketplace_id              text,
      sales_channel               text NOT NULL,
      is_checkout_by_amazon       boolean NOT NULL DEFAULT false,
      purchase_date               timestamptz NOT NULL,
      last_updated_at             timestamptz NOT NULL,
      status                      text NOT NULL CHECK (status IN ('PendingAvailability', 'Pending', 'Unshipped',
                                    'PartiallyShipped', 'Shipped', 'InvoiceUnconfirmed', 'Canceled', 'Unfulfillable')),
      fulfillment_channel         text NOT NULL CHECK (fulfillment_channel IN ('AFN', 'MFN')),
      service_level               text,
      earliest_ship_date          timestamptz,
      latest_ship_date            timestamptz,
      earliest_delivery_date      timestamptz,
      latest_delivery_date        timestamptz,
      order_total                 numeric(18, 4),
      currency                    text CHECK (currency ~ '^[A-Z]{3}$'),
      payment_status              text NOT NULL CHECK (payment_status IN ('pending', 'complete')),
      subtypes                    text[] NOT NULL DEFAULT '{}'
                                  CHECK (subtypes <@ ARRAY['Prime', 'Business', 'Business Prime', 'Second Day',
                                    'Premium', 'Replacement', 'Pre-order']::text[]),
      replaced_order_id           text,
      note                        text,
      on_hold                     boolean NOT NULL DEFAULT false,
      hold_reason                 text,
      cancel_requested_at         timestamptz,
      cancel_request_reason       text,
      cancel_respond_by           timestamptz,
      cancelled_by                text,
      cancel_reason               text,
      buyer_enc                   text,
      recipient_enc               text,
      shipped_at                  timestamptz,
      delivered_at                timestamptz,
      buyer_data_erased_at        timestamptz,
      first_seen_at               timestamptz NOT NULL DEFAULT now(),
      first_seen_run_id           bigint REFERENCES job_runs (id) ON DELETE SET NULL,
      first_seen_source           text NOT NULL,
      created_at                  timestamptz NOT NULL DEFAULT now(),
      updated_at                  timestamptz NOT NULL DEFAULT now(),
      UNIQUE (company_id, amazon_order_id),
      CHECK ((cancel_requested_at IS NULL) = (cancel_respond_by IS NULL))
    )
  `.execute(db);
  await sql`CREATE INDEX orders_company_purchase_date ON orders (company_id, purchase_date DESC)`.execute(db);
  await sql`CREATE INDEX orders_company_status ON orders (company_id, status)`.execute(db);
  await sql`
    CREATE INDEX orders_latest_ship_date_open ON orders (latest_ship_date)
    WHERE fulfillment_channel = 'MFN' AND status IN ('Unshipped', 'PartiallyShipped')
  `.execute(db);
  await sql`
    CREATE INDEX orders_buyer_data_to_erase ON orders (delivered_at)
    WHERE buyer_data_erased_at IS NULL AND (buyer_enc IS NOT NULL OR recipient_enc IS NOT NULL)
  `.execute(db);

  await sql`
    CREATE TABLE order_items (
      id                     bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      order_id               bigint NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
      order_item_id          text NOT NULL CHECK (length(order_item_id) BETWEEN 1 AND 50),
      sku                    text,
      asin                   text,
      title                  text,
      quantity_ordered       integer NOT NULL CHECK (quantity_ordered >= 0),
      quantity_shipped       integer NOT NULL DEFAULT 0 CHECK (quantity_shipped >= 0),
      quantity_cancelled     integer NOT NULL DEFAULT 0 CHECK (quantity_cancelled >= 0),
      currency               text CHECK (currency ~ '^[A-Z]{3}$'),
      unit_price             numeric(18, 4),
      item_price             numeric(18, 4),
      item_tax               numeric(18, 4),
      shipping_price         numeric(18, 4),
      shipping_tax           numeric(18, 4),
      promotion_discount     numeric(18, 4),
      promotion_ids          text[] NOT NULL DEFAULT '{}',
      customized_url_enc     text,
      customization_raw_enc  text,
      customization_summary  text,
      cancel_requested       boolean NOT NULL DEFAULT false,
      created_at             timestamptz NOT NULL DEFAULT now(),
      updated_at             timestamptz NOT NULL DEFAULT now(),
      UNIQUE (order_id, order_item_id)
    )
  `.execute(db);

  await sql`
    CREATE TABLE order_events (
      id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      order_id     bigint NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
      kind         text NOT NULL CHECK (kind IN ('first_seen', 'status_changed', 'cancel_requested',
                                   'cancelled', 'shipment_confirmed', 'buyer_data_erased')),
      from_status  text,
      to_status    text,
      detail       jsonb NOT NULL DEFAULT '{}'::jsonb,
      run_id       bigint REFERENCES job_runs (id) ON DELETE SET NULL,
      source       text,
      occurred_at  timestamptz NOT NULL DEFAULT now()
    )
  `.execute(db);
  await sql`CREATE INDEX order_events_order ON order_events (order_id, occurred_at, id)`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP TABLE order_events`.execute(db);
  await sql`DROP TABLE order_items`.execute(db);
  await sql`DROP TABLE orders`.execute(db);
}
