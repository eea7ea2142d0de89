import type { ColumnType } from 'kysely';

export interface JobLeasesTable {
  kind: string;
  company_id: number;
  holder: string;
  token: number;
  expires_at: ColumnType<Date, Date | string, Date | string>;
}
