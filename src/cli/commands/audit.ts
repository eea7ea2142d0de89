import { Command } from 'commander';
import { listAudit } from '../../audit/audit.repository.js';
import { printResult, table } from '../output.js';
import { parseId } from '../parse.js';
import { withApp } from '../session.js';

export function auditCommand(): Command {
  return new Command('audit')
    .description('every change made through the admin API, the console or the CLI, newest first')
    .option('--company <id>', 'only changes of this company', parseId)
    .option('--limit <n>', 'how many entries', parseId, 50)
    .option('--json', 'print JSON')
    .action(async (flags: { company?: number; limit: number; json?: boolean }) => {
      const entries = await withApp((app) =>
        listAudit(app.db, { companyId: flags.company, limit: flags.limit }),
      );
      printResult(flags.json ?? false, entries, () =>
        table(
          entries.map((e) => ({ ...e, detail: JSON.stringify(e.detail) })),
          ['id', 'occurredAt', 'actor', 'origin', 'action', 'companyId', 'amazonOrderId', 'detail'],
        ),
      );
    });
}
