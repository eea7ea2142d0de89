import type { Db, Tx } from '../db/client.js';
import type { AuditLogRow } from './audit.table.js';

/** Who made a change and from where: `api` (the admin token), `console`, or `cli`. */
export interface AuditActor {
  actor: string;
  /** The client address for the API and console; `user@host` for the CLI. */
  origin: string;
}

export interface AuditChange {
  action: string;
  companyId?: number | null | undefined;
  amazonOrderId?: string | null | undefined;
  /** What changed; never a secret's or a buyer's value. */
  detail?: Record<string, unknown>;
}

export interface AuditEntry extends AuditActor, Required<Omit<AuditChange, 'detail'>> {
  id: number;
  occurredAt: Date;
  detail: Record<string, unknown>;
}

function toEntry(row: AuditLogRow): AuditEntry {
  return {
    id: row.id,
    occurredAt: row.occurred_at,
    actor: row.actor,
    origin: row.origin,
    action: row.action,
    companyId: row.company_id,
    amazonOrderId: row.amazon_order_id,
    detail: row.detail,
  };
}

export async function recordAudit(db: Db | Tx, who: AuditActor, change: AuditChange): Promise<void> {
  await db
    .insertInto('audit_log')
    .values({
      actor: who.actor,
      origin: who.origin.slice(0, 200),
      action: change.action,
      company_id: change.companyId ?? null,
      amazon_order_id: change.amazonOrderId ?? null,
      detail: JSON.stringify(change.detail ?? {}),
    })
    .execute();
}

export interface AuditFilter {
  companyId?: number | undefined;
  offset?: number | undefined;
  limit: number;
}

/** The audit log, newest first. */
export async function listAudit(db: Db, filter: AuditFilter): Promise<AuditEntry[]> {
  let query = db.selectFrom('audit_log').selectAll();
  if (filter.companyId !== undefined) query = query.where('company_id', '=', filter.companyId);
  const rows = await query
    .orderBy('id', 'desc')
    .offset(filter.offset ?? 0)
    .limit(filter.limit)
    .execute();
  return rows.map(toEntry);
}

/** The names of the fields a change sets, with the values of those that are not secret. */
export function describeChanges(
  changes: Record<string, unknown>,
  secretFields: readonly string[],
): Record<string, unknown> {
  const detail: Record<string, unknown> = {};
  for (const [field, value] of Object.entries(changes)) {
    if (value === undefined) continue;
    detail[field] = secretFields.includes(field) ? '(changed)' : value;
  }
  return detail;
}
