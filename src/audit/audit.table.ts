import type { ColumnType, Generated, Selectable } from 'kysely';

export interface AuditLogTable {
  id: Generated<number>;
  occurred_at: ColumnType<Date, Date | undefined, never>;
  actor: string;
  origin: string;
  action: string;
  company_id: number | null;
  amazon_order_id: string | null;
  detail: ColumnType<Record<string, unknown>, string, never>;
}

export type AuditLogRow = Selectable<AuditLogTable>;
