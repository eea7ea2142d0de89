import { sql, type Kysely } from 'kysely';

/** Where a download problem was last seen: the searchOrders page, the report, or the getOrder retry. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE order_download_problems ADD COLUMN source text`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE order_download_problems DROP COLUMN source`.execute(db);
}
