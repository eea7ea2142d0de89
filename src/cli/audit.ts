import { hostname, userInfo } from 'node:os';
import { recordAudit, type AuditActor, type AuditChange } from '../audit/audit.repository.js';
import type { AppContext } from '../context.js';

/** The CLI acts as `cli`, from `user@host`. */
function cliActor(): AuditActor {
  let user = 'unknown';
  try {
    user = userInfo().username;
  } catch {
    // A uid without a passwd entry (some containers): the host still says where.
  }
  return { actor: 'cli', origin: `${user}@${hostname()}` };
}

/** Records a change made through the CLI in the audit log. */
export async function auditCli(app: AppContext, change: AuditChange): Promise<void> {
  await recordAudit(app.db, cliActor(), change);
}
