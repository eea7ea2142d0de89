import { Command } from 'commander';
import { getCompany } from '../../companies/companies.service.js';
import { clockOf } from '../../context.js';
import { listOpenDiscrepancies } from '../../settlements/discrepancies.repository.js';
import { importSettlementFile, settlementImportAudit } from '../../settlements/settlements.import.js';
import { listSettlements, orderPnl, showSettlement } from '../../settlements/settlements.queries.js';
import { keyValues, printResult, table } from '../output.js';
import { parseId } from '../parse.js';
import { auditCli } from '../audit.js';
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
        const imported = await importSettlementFile(
          app.db,
          flags.company,
          file,
          clockOf(app)(),
          flags.charset,
        );
        await auditCli(app, settlementImportAudit(flags.company, imported));
        return imported;
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

  settlements
    .command('list')
    .description(
      'the ingested settlements, newest first: period, deposit, total against the sum of the lines',
    )
    .option('--company <id>', 'only this company', parseId)
    .option('--json', 'print JSON')
    .action(async (flags: { company?: number; json?: boolean }) => {
      const listed = await withApp((app) => listSettlements(app.db, flags.company));
      printResult(flags.json ?? false, listed, () =>
        table(
          listed.map((s) => ({
            company: s.companyId,
            settlement: s.settlementId,
            period: `${day(s.startAt)} – ${day(s.endAt)}`,
            deposit: day(s.depositAt),
            currency: s.currency ?? '',
            total: s.totalAmount,
            'sum of lines': s.linesSum ?? '',
            'adds up': s.addsUp === null ? s.state : s.addsUp ? 'yes' : 'NO',
            lines: s.lines,
            quarantined: s.quarantined,
          })),
          [
            'company',
            'settlement',
            'period',
            'deposit',
            'currency',
            'total',
            'sum of lines',
            'adds up',
            'lines',
            'quarantined',
          ],
        ),
      );
    });

  settlements
    .command('show')
    .description(
      'one settlement: period, deposit, total against the sum of the lines, counts per type, discrepancies',
    )
    .argument('<settlement-id>', "Amazon's settlement id")
    .option('--company <id>', 'the company, when several have a settlement with this id', parseId)
    .option('--json', 'print JSON')
    .action(async (settlementId: string, flags: { company?: number; json?: boolean }) => {
      const shown = await withApp((app) => showSettlement(app.db, settlementId, flags.company));
      printResult(flags.json ?? false, shown, () => {
        const { perType, unknownTypes, quarantinedRows, revisions, discrepancies, ...summary } = shown;
        return [
          keyValues({
            ...summary,
            startAt: day(summary.startAt),
            endAt: day(summary.endAt),
            depositAt: day(summary.depositAt),
          }),
          '',
          table(perType, ['transactionType', 'amountType', 'lines', 'amount']),
          ...(unknownTypes.length > 0
            ? ['', `types no list knows (kept as data): ${unknownTypes.join('; ')}`]
            : []),
          ...(quarantinedRows.length > 0
            ? ['', 'quarantined rows:', table(quarantinedRows, ['line', 'reason'])]
            : []),
          ...(revisions.length > 0
            ? [
                '',
                'revisions:',
                table(revisions, [
                  'revision',
                  'source',
                  'changed_rows',
                  'removed_rows',
                  'total_before',
                  'total_after',
                ]),
              ]
            : []),
          ...(discrepancies.length > 0 ? ['', 'discrepancies:', describeDiscrepancies(discrepancies)] : []),
        ].join('\n');
      });
    });

  settlements
    .command('discrepancies')
    .description(
      'what the settlements show that does not match: totals, fees, unknown orders, missing periods',
    )
    .requiredOption('--company <id>', 'company id', parseId)
    .option('--json', 'print JSON')
    .action(async (flags: { company: number; json?: boolean }) => {
      const open = await withApp(async (app) => {
        await getCompany(app.db, flags.company);
        return listOpenDiscrepancies(app.db, flags.company);
      });
      printResult(flags.json ?? false, open, () =>
        open.length === 0 ? 'no open discrepancies' : describeDiscrepancies(open),
      );
    });

  return settlements;
}

function day(date: Date | null): string {
  return date === null ? '' : date.toISOString().slice(0, 19).replace('T', ' ');
}

function describeDiscrepancies(rows: Awaited<ReturnType<typeof listOpenDiscrepancies>>): string {
  return table(
    rows.map((row) => ({
      kind: row.kind,
      order: row.amazon_order_id ?? '',
      found: day(row.found_at),
      detail: String(row.detail.problem ?? JSON.stringify(row.detail)),
    })),
    ['kind', 'order', 'found', 'detail'],
  );
}

/** `orders pnl`: one order's money as Amazon settled it. */
export function orderPnlCommand(): Command {
  return new Command('pnl')
    .description('an order as settled: principal, tax, shipping, promotions, each fee, refunds, net proceeds')
    .argument('<amazon-order-id>', 'Amazon order id, e.g. 113-1234567-1234567')
    .requiredOption('--company <id>', 'company id', parseId)
    .option('--json', 'print JSON')
    .action(async (amazonOrderId: string, flags: { company: number; json?: boolean }) => {
      const pnl = await withApp((app) => orderPnl(app.db, flags.company, amazonOrderId));
      printResult(flags.json ?? false, pnl, () =>
        [
          keyValues({
            order: pnl.amazonOrderId,
            principal: pnl.principal,
            tax: pnl.tax,
            shipping: pnl.shipping,
            promotions: pnl.promotions,
            refunded: pnl.refunded,
            'net proceeds': pnl.netProceeds,
            settlements: pnl.settlements.join(', '),
          }),
          '',
          'fees:',
          table(pnl.fees, ['fee', 'amount', 'settlementId']),
          ...(pnl.refunds.length > 0
            ? [
                '',
                'refunds:',
                table(pnl.refunds, [
                  'settlementId',
                  'initiatedBy',
                  'principal',
                  'tax',
                  'shipping',
                  'commissionRefunded',
                  'adminFee',
                  'expectedAdminFee',
                  'matchedRefundId',
                ]),
              ]
            : []),
          ...(pnl.notSettledYet.length > 0
            ? [
                '',
                'reported by the Finances API, not settled yet:',
                table(
                  pnl.notSettledYet.map((row) => ({
                    ...row,
                    postedAt: row.postedAt.toISOString(),
                    initiatedBy: 'initiatedBy' in row ? row.initiatedBy : '',
                    givenBack: 'givenBack' in row ? row.givenBack : '',
                  })),
                  ['transactionType', 'status', 'postedAt', 'totalAmount', 'givenBack', 'initiatedBy'],
                ),
              ]
            : []),
        ].join('\n'),
      );
    });
}
