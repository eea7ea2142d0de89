import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    ALTER TABLE companies
      ADD COLUMN ship_from_name         text CHECK (length(ship_from_name) <= 100),
      ADD COLUMN ship_from_line1        text CHECK (length(ship_from_line1) <= 100),
      ADD COLUMN ship_from_line2        text CHECK (length(ship_from_line2) <= 100),
      ADD COLUMN ship_from_city         text CHECK (length(ship_from_city) <= 60),
      ADD COLUMN ship_from_state        text CHECK (length(ship_from_state) <= 60),
      ADD COLUMN ship_from_postal_code  text CHECK (length(ship_from_postal_code) <= 20),
      ADD COLUMN ship_from_country      text CHECK (ship_from_country ~ '^[A-Z]{2}$')
  `.execute(db);

  await sql`
    CREATE TABLE shipments (
      id                bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      company_id        bigint NOT NULL REFERENCES companies (id) ON DELETE CASCADE,
      order_id          bigint NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
      amazon_order_id   text NOT NULL,
      marketplace_id    text NOT NULL,
      carrier_code      text NOT NULL CHECK (length(carrier_code) BETWEEN 1 AND 50),
      carrier_name      text CHECK (length(carrier_name) BETWEEN 1 AND 50),
      shipping_method   text CHECK (length(shipping_method) BETWEEN 1 AND 50),
      tracking_number   text NOT NULL CHECK (length(tracking_number) BETWEEN 1 AND 50),
      ship_date         timestamptz NOT NULL,
      ship_from         jsonb NOT NULL,
      state             text NOT NULL DEFAULT 'pending_upload'
                        CHECK (state IN ('pending_upload', 'uploading', 'confirmed', 'rejected', 'voided')),
      feed_id           bigint REFERENCES feeds (id) ON DELETE SET NULL,
      upload_attempts   integer NOT NULL DEFAULT 0 CHECK (upload_attempts >= 0),
      retry_after       timestamptz,
      last_error        text,
      result_code       text,
      result_message    text,
      void_reason       text,
      confirmed_at      timestamptz,
      created_at        timestamptz NOT NULL DEFAULT now(),
      updated_at        timestamptz NOT NULL DEFAULT now(),
      CHECK ((carrier_code = 'Other') = (carrier_name IS NOT NULL)),
      CHECK (state <> 'uploading' OR feed_id IS NOT NULL),
      CHECK ((state = 'voided') = (void_reason IS NOT NULL)),
      CHECK ((state = 'confirmed') = (confirmed_at IS NOT NULL)),
      CHECK (state <> 'rejected' OR result_message IS NOT NULL)
    )
  `.execute(db);
  await sql`CREATE INDEX shipments_company_state ON shipments (company_id, state, id)`.execute(db);
  await sql`CREATE INDEX shipments_order ON shipments (order_id)`.execute(db);
  await sql`CREATE INDEX shipments_feed ON shipments (feed_id)`.execute(db);

  await sql`
    CREATE TABLE shipment_items (
      shipment_id        bigint NOT NULL REFERENCES shipments (id) ON DELETE CASCADE,
      order_item_row_id  bigint NOT NULL REFERENCES order_items (id) ON DELETE CASCADE,
      order_item_id      text NOT NULL,
      quantity           integer NOT NULL CHECK (quantity >= 1),
      PRIMARY KEY (shipment_id, order_item_row_id)
    )
  `.execute(db);
  await sql`CREATE INDEX shipment_items_order_item ON shipment_items (order_item_row_id)`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP TABLE shipment_items`.execute(db);
  await sql`DROP TABLE shipments`.execute(db);
  await sql`
    ALTER TABLE companies
      DROP COLUMN ship_from_name, DROP COLUMN ship_from_line1, DROP COLUMN ship_from_line2,
      DROP COLUMN ship_from_city, DROP COLUMN ship_from_state, DROP COLUMN ship_from_postal_code,
      DROP COLUMN ship_from_country
  `.execute(db);
}
