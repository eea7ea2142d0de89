import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE companies (
      id                                 bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      name                               text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
      seller_id                          text NOT NULL CHECK (seller_id ~ '^[A-Z0-9]{5,20}$'),
      region                             text NOT NULL CHECK (region IN ('na', 'eu', 'fe')),
      marketplace_ids                    text[] NOT NULL CHECK (cardinality(marketplace_ids) BETWEEN 1 AND 50),
      endpoint                           text NOT NULL DEFAULT 'live'
                                         CHECK (endpoint IN ('live', 'sandbox') OR endpoint ~ '^https?://[^\\s/]+'),
      lwa_client_id_enc                  text NOT NULL,
      lwa_client_secret_enc              text NOT NULL,
      refresh_token_enc                  text NOT NULL,
      auth_status                        text NOT NULL DEFAULT 'active'
                                         CHECK (auth_status IN ('active', 'needs_reauthorization')),
      auth_status_reason                 text,
      allow_order_download               boolean NOT NULL DEFAULT false,
      allow_fulfillment_upload           boolean NOT NULL DEFAULT false,
      allow_checkout_by_amazon_orders    boolean NOT NULL DEFAULT false,
      zero_inventory_on_no_stock_cancel  boolean NOT NULL DEFAULT false,
      settlement_reconciliation          boolean NOT NULL DEFAULT true,
      download_interval_minutes          integer NOT NULL DEFAULT 30 CHECK (download_interval_minutes BETWEEN 1 AND 1440),
      upload_interval_minutes            integer NOT NULL DEFAULT 30 CHECK (upload_interval_minutes BETWEEN 1 AND 1440),
      created_at                         timestamptz NOT NULL DEFAULT now(),
      updated_at                         timestamptz NOT NULL DEFAULT now(),
      UNIQUE (seller_id, region)
    )
  `.execute(db);

  await sql`
    CREATE TABLE job_runs (
      id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      company_id   bigint NOT NULL REFERENCES companies (id) ON DELETE CASCADE,
      kind         text NOT NULL CHECK (kind IN ('order-download', 'fulfillment-upload', 'settlement-reconciliation',
                                         'buyer-data-retention', 'feed-follow-up')),
      trigger      text NOT NULL CHECK (trigger IN ('schedule', 'manual')),
      status       text NOT NULL CHECK (status IN ('running', 'succeeded', 'failed', 'skipped')),
      started_at   timestamptz NOT NULL DEFAULT now(),
      finished_at  timestamptz,
      counts       jsonb NOT NULL DEFAULT '{}'::jsonb,
      error        text,
      queue_job_id text,
      CHECK ((status = 'running') = (finished_at IS NULL))
    )
  `.execute(db);
  await sql`CREATE INDEX job_runs_company_kind_started ON job_runs (company_id, kind, started_at DESC)`.execute(
    db,
  );

  await sql`
    CREATE TABLE sync_cursors (
      company_id  bigint NOT NULL REFERENCES companies (id) ON DELETE CASCADE,
      stream      text NOT NULL CHECK (length(stream) BETWEEN 1 AND 100),
      position    jsonb NOT NULL,
      updated_at  timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (company_id, stream)
    )
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP TABLE sync_cursors`.execute(db);
  await sql`DROP TABLE job_runs`.execute(db);
  await sql`DROP TABLE companies`.execute(db);
}
