import type { ColumnType } from 'kysely';

export interface SyncCursorsTable {
  company_id: number;
  stream: string;
  position: ColumnType<unknown, string, string>;
  updated_at: ColumnType<Date, Date | undefined, Date>;
}
