import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE feeds (
      id                  bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      company_id          bigint NOT NULL REFERENCES companies (id) ON DELETE CASCADE,
      kind                text NOT NULL CHECK (kind IN ('order-fulfillment', 'order-acknowledgement', 'payment-adjustment')),
      feed_type           text NOT NULL CHECK (feed_type ~ '^[A-Z0-9_]{1,100}$'),
      marketplace_ids     text[] NOT NULL CHECK (cardinality(marketplace_ids) >= 1),
      state               text NOT NULL DEFAULT 'prepared'
                          CHECK (state IN ('prepared', 'uploaded', 'submitting', 'submitted',
                                           'done', 'cancelled', 'fatal', 'refused')),
      content             text NOT NULL,
      content_type        text NOT NULL,
      message_count       integer NOT NULL CHECK (message_count >= 1),
      document_id         text,
      submit_started_at   timestamptz,
      amazon_feed_id      text,
      amazon_status       text,
      result_document_id  text,
      follow_attempts     integer NOT NULL DEFAULT 0 CHECK (follow_attempts >= 0),
      next_check_at       timestamptz,
      summary             jsonb,
      error               text,
      created_at          timestamptz NOT NULL DEFAULT now(),
      updated_at          timestamptz NOT NULL DEFAULT now(),
      finished_at         timestamptz,
      UNIQUE (company_id, amazon_feed_id),
      CHECK (state IN ('prepared', 'refused') OR document_id IS NOT NULL),
      CHECK (state NOT IN ('submitting', 'submitted') OR submit_started_at IS NOT NULL),
      CHECK ((amazon_feed_id IS NOT NULL) = (state IN ('submitted', 'done', 'cancelled', 'fatal'))),
      CHECK ((finished_at IS NOT NULL) = (state IN ('done', 'cancelled', 'fatal', 'refused')))
    )
  `.execute(db);
  await sql`
    CREATE INDEX feeds_company_open ON feeds (company_id, kind, id)
    WHERE state IN ('prepared', 'uploaded', 'submitting', 'submitted')
  `.execute(db);

  await sql`
    CREATE TABLE feed_messages (
      feed_id             bigint NOT NULL REFERENCES feeds (id) ON DELETE CASCADE,
      message_id          integer NOT NULL CHECK (message_id >= 1),
      entity_kind         text NOT NULL CHECK (entity_kind ~ '^[a-z_]{1,40}$'),
      entity_id           bigint NOT NULL,
      result              text CHECK (result IN ('accepted', 'rejected', 'released')),
      result_code         text,
      result_description  text,
      PRIMARY KEY (feed_id, message_id)
    )
  `.execute(db);
  await sql`CREATE INDEX feed_messages_entity ON feed_messages (entity_kind, entity_id)`.execute(db);
  // Nothing is ever accepted by Amazon twice.
  await sql`
    CREATE UNIQUE INDEX feed_messages_accepted_once ON feed_messages (entity_kind, entity_id)
    WHERE result = 'accepted'
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP TABLE feed_messages`.execute(db);
  await sql`DROP TABLE feeds`.execute(db);
}
