import type { Db } from '../db/client.js';

/**
 * The position a job resumes from, per company and stream. Call `saveCursor` inside the transaction
 * that commits the data the position covers, so the cursor never runs ahead of the data.
 */
export async function loadCursor<T>(db: Db, companyId: number, stream: string): Promise<T | undefined> {
  const row = await db
    .selectFrom('sync_cursors')
    .select('position')
    .where('company_id', '=', companyId)
    .where('stream', '=', stream)
    .executeTakeFirst();
  return row?.position as T | undefined;
}

export async function saveCursor(
  db: Db,
  companyId: number,
  stream: string,
  position: unknown,
): Promise<void> {
  const json = JSON.stringify(position);
  await db
    .insertInto('sync_cursors')
    .values({ company_id: companyId, stream, position: json })
    .onConflict((oc) =>
      oc.columns(['company_id', 'stream']).doUpdateSet({ position: json, updated_at: new Date() }),
    )
    .execute();
}
