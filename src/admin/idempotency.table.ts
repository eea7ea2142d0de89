import type { ColumnType } from 'kysely';

export interface AdminIdempotencyKeysTable {
  key: string;
  fingerprint: string;
  state: 'started' | 'done';
  status_code: number | null;
  response: ColumnType<unknown, string | null, string | null>;
  created_at: ColumnType<Date, Date | undefined, never>;
  finished_at: Date | null;
}
