import { sql, type Kysely } from 'kysely';

/**
 * Amazon's clock at the start of a createFeed attempt, read from an Amazon response just before it:
 * the search for a feed whose createFeed answer was lost compares Amazon's `createdTime` with it, on
 * Amazon's clock alone, so a step of either clock in between cannot hide the feed. Rows written before
 * have none (NULL) and are matched as before, from our recorded time and the offset measured at the search.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE feeds ADD COLUMN submit_started_amazon_at timestamptz`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE feeds DROP COLUMN submit_started_amazon_at`.execute(db);
}
