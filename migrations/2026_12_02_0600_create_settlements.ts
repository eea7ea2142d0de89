import { sql, type Kysely } from 'kysely';

/**
 * Amazon's settlements, one row per (company, settlement-id) whatever the number of files or listings
 * that brought it; their money lines keyed by the line of the file; rows that could not be read; what
 * a reissued file changed; the settlement reports already ingested; and the discrepancies found.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE settlements (
      id                   bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      company_id           bigint NOT NULL REFERENCES companies (id) ON DELETE CASCADE,
      settlement_id        text NOT NULL,
      format               text NOT NULL CHECK (format IN ('v2', 'v1')),
      state                text NOT NULL CHECK (state IN ('ingesting', 'complete')),
      revision             integer NOT NULL DEFAULT 1,
      marketplace_name     text,
      currency             text,
      start_at             timestamptz,
      end_at               timestamptz,
      deposit_at           timestamptz,
      total_amount         numeric(18, 4) NOT NULL,
      lines_sum            numeric(18, 4),
      line_count           integer NOT NULL DEFAULT 0,
      quarantined_count    integer NOT NULL DEFAULT 0,
      adds_up              boolean,
      reserve_previous     numeric(18, 4),
      reserve_current      numeric(18, 4),
      changed_rows_pending integer NOT NULL DEFAULT 0,
      total_before         numeric(18, 4),
      source               text NOT NULL,
      ingested_at          timestamptz,
      created_at           timestamptz NOT NULL DEFAULT now(),
      updated_at           timestamptz NOT NULL DEFAULT now(),
      UNIQUE (company_id, settlement_id)
    )
  `.execute(db);
  await sql`
    CREATE TABLE settlement_lines (
      settlement_pk                bigint NOT NULL REFERENCES settlements (id) ON DELETE CASCADE,
      line                         integer NOT NULL,
      sub                          smallint NOT NULL,
      transaction_type             text NOT NULL,
      order_id                     text,
      merchant_order_id            text,
      adjustment_id                text,
      shipment_id                  text,
      marketplace_name             text,
      amount_type                  text NOT NULL,
      amount_description           text NOT NULL,
      amount                       numeric(18, 4) NOT NULL,
      fulfillment_id               text,
      posted_at                    timestamptz,
      posted_raw                   text,
      order_item_code              text,
      merchant_order_item_id       text,
      merchant_adjustment_item_id  text,
      sku                          text,
      quantity                     integer,
      promotion_id                 text,
      PRIMARY KEY (settlement_pk, line, sub)
    )
  `.execute(db);
  await sql`CREATE INDEX settlement_lines_order ON settlement_lines (order_id) WHERE order_id IS NOT NULL`.execute(
    db,
  );
  await sql`
    CREATE TABLE settlement_quarantine (
      settlement_pk bigint NOT NULL REFERENCES settlements (id) ON DELETE CASCADE,
      line          integer NOT NULL,
      reason        text NOT NULL,
      raw           text NOT NULL,
      PRIMARY KEY (settlement_pk, line)
    )
  `.execute(db);
  await sql`
    CREATE TABLE settlement_revisions (
      id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      settlement_pk bigint NOT NULL REFERENCES settlements (id) ON DELETE CASCADE,
      revision      integer NOT NULL,
      source        text NOT NULL,
      changed_rows  integer NOT NULL,
      removed_rows  integer NOT NULL,
      total_before  numeric(18, 4) NOT NULL,
      total_after   numeric(18, 4) NOT NULL,
      recorded_at   timestamptz NOT NULL DEFAULT now(),
      UNIQUE (settlement_pk, revision)
    )
  `.execute(db);
  await sql`
    CREATE TABLE settlement_reports (
      company_id      bigint NOT NULL REFERENCES companies (id) ON DELETE CASCADE,
      report_id       text NOT NULL,
      settlement_pk   bigint REFERENCES settlements (id) ON DELETE CASCADE,
      data_start_time timestamptz,
      data_end_time   timestamptz,
      created_time    timestamptz,
      ingested_at     timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (company_id, report_id)
    )
  `.execute(db);
  await sql`
    CREATE TABLE settlement_discrepancies (
      id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      company_id       bigint NOT NULL REFERENCES companies (id) ON DELETE CASCADE,
      settlement_pk    bigint REFERENCES settlements (id) ON DELETE CASCADE,
      kind             text NOT NULL,
      key              text NOT NULL,
      amazon_order_id  text,
      detail           jsonb NOT NULL DEFAULT '{}',
      found_at         timestamptz NOT NULL DEFAULT now(),
      resolved_at      timestamptz,
      UNIQUE (company_id, kind, key)
    )
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP TABLE settlement_discrepancies, settlement_reports, settlement_revisions, settlement_quarantine, settlement_lines, settlements`.execute(
    db,
  );
}
