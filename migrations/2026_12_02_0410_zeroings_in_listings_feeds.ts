import { sql, type Kysely } from 'kysely';

/**
 * Zeroings sent together in a JSON_LISTINGS_FEED: a zeroing in a feed not finished yet is `in_feed`,
 * with the feed that carries it.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    ALTER TABLE inventory_zeroings
      ADD COLUMN feed_id bigint REFERENCES feeds (id) ON DELETE SET NULL
  `.execute(db);
  // The state checks were created unnamed; they are found by what they check.
  await sql`
    DO $$
    DECLARE c record;
    BEGIN
      FOR c IN SELECT conname FROM pg_constraint
               WHERE conrelid = 'inventory_zeroings'::regclass AND contype = 'c'
                 AND pg_get_constraintdef(oid) LIKE '%state%'
      LOOP
        EXECUTE format('ALTER TABLE inventory_zeroings DROP CONSTRAINT %I', c.conname);
      END LOOP;
    END $$
  `.execute(db);
  await sql`
    ALTER TABLE inventory_zeroings
      ADD CONSTRAINT inventory_zeroings_state
        CHECK (state IN ('pending', 'in_feed', 'accepted', 'invalid', 'failed')),
      ADD CONSTRAINT inventory_zeroings_answered
        CHECK ((state IN ('pending', 'in_feed')) = (answered_at IS NULL)),
      ADD CONSTRAINT inventory_zeroings_in_feed CHECK (state <> 'in_feed' OR feed_id IS NOT NULL)
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`UPDATE inventory_zeroings SET state = 'pending' WHERE state = 'in_feed'`.execute(db);
  await sql`
    ALTER TABLE inventory_zeroings
      DROP CONSTRAINT inventory_zeroings_state,
      DROP CONSTRAINT inventory_zeroings_answered,
      DROP CONSTRAINT inventory_zeroings_in_feed,
      DROP COLUMN feed_id,
      ADD CONSTRAINT inventory_zeroings_state_check
        CHECK (state IN ('pending', 'accepted', 'invalid', 'failed')),
      ADD CONSTRAINT inventory_zeroings_check CHECK ((state = 'pending') = (answered_at IS NULL))
  `.execute(db);
}
