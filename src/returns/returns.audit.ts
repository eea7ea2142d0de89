import type { AuditChange } from '../audit/audit.repository.js';
import type { Return } from './returns.service.js';

/** What the audit log keeps of a change to a return: which one and its units (not the buyer's reason). */
export function returnAudit(action: string, r: Return, more: Record<string, unknown> = {}): AuditChange {
  return {
    action,
    companyId: r.companyId,
    amazonOrderId: r.amazonOrderId,
    detail: { rmaId: r.rmaId, items: r.items.map((i) => `${i.orderItemId}x${i.quantity}`), ...more },
  };
}
