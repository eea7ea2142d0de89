import { Command } from 'commander';
import { getCompany } from '../../companies/companies.service.js';
import { importSettlementFile } from '../../settlements/settlements.import.js';
import { keyValues, printResult } from '../output.js';
import { parseId } from '../parse.js';
import { withApp } from '../session.js';

export function settlementsCommand(): Command {
  const settlements = new Command('settlements').description(
    "Amazon's settlements: ingested, checked, reconciled",
  );

  settlements
    .command('import')
    .description('ingest a settlement flat file downloaded by hand (V2 or V1, gzipped or not)')
    .argument('<file>', 'the settlement file')
    .requiredOption('--company <id>', 'company id', parseId)
    .option('--charset <charset>', "the file's charset (default: UTF-8, or Cp1252 when it is not UTF-8)")
    .option('--json', 'print JSON')
    .action(async (file: string, flags: { company: number; charset?: string; json?: boolean }) => {
      const outcome = await withApp(async (app) => {
        await getCompany(app.db, flags.company);
        return importSettlementFile(app.db, flags.company, file, flags.charset);
      });
      printResult(flags.json ?? false, outcome, () =>
        keyValues({
          settlement: outcome.settlementId,
          format: outcome.format,
          encoding: outcome.encoding,
          lines: outcome.lineCount,
          quarantined: outcome.quarantinedCount,
          total: outcome.totalAmount,
          'sum of lines': outcome.linesSum,
          'adds up': outcome.addsUp ? 'yes' : 'NO',
          revision: outcome.revision,
          'rows changed': outcome.changedRows,
        }),
      );
    });

  return settlements;
}
