import type { Db } from '../db/client.js';
import type { CompanyRow, CompanyRowUpdate, NewCompanyRow } from './companies.table.js';

export async function insertCompany(db: Db, row: NewCompanyRow): Promise<CompanyRow> {
  return db.insertInto('companies').values(row).returningAll().executeTakeFirstOrThrow();
}

export async function findCompanyRow(db: Db, id: number): Promise<CompanyRow | undefined> {
  return db.selectFrom('companies').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function listCompanyRows(db: Db): Promise<CompanyRow[]> {
  return db.selectFrom('companies').selectAll().orderBy('id').execute();
}

export async function updateCompanyRow(
  db: Db,
  id: number,
  changes: CompanyRowUpdate,
): Promise<CompanyRow | undefined> {
  return db
    .updateTable('companies')
    .set({ ...changes, updated_at: new Date() })
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirst();
}

export async function deleteCompanyRow(db: Db, id: number): Promise<boolean> {
  const result = await db.deleteFrom('companies').where('id', '=', id).executeTakeFirst();
  return result.numDeletedRows > 0n;
}

export async function markCompanyNeedsReauthorization(db: Db, id: number, reason: string): Promise<boolean> {
  const result = await db
    .updateTable('companies')
    .set({ auth_status: 'needs_reauthorization', auth_status_reason: reason, updated_at: new Date() })
    .where('id', '=', id)
    .where('auth_status', '!=', 'needs_reauthorization')
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

/** Amazon accepted the credentials: an unverified company becomes active (true only when it changed). */
export async function markCompanyAuthorized(db: Db, id: number): Promise<boolean> {
  const result = await db
    .updateTable('companies')
    .set({ auth_status: 'active', auth_status_reason: null })
    .where('id', '=', id)
    .where('auth_status', '=', 'unverified')
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}
