import { Command, InvalidArgumentError, Option } from 'commander';
import { getCompany } from '../../companies/companies.service.js';
import { UsageError } from '../../shared/errors.js';
import {
  addReturn,
  listReturns,
  parseRmaId,
  receiveReturn,
  refundReturn,
  rmaIdOf,
  type Return,
} from '../../returns/returns.service.js';
import { returnAudit } from '../../returns/returns.audit.js';
import { RETURN_CONDITIONS, type ReturnCondition } from '../../returns/returns.table.js';
import { printResult, table } from '../output.js';
import { parseId } from '../parse.js';
import { auditCli } from '../audit.js';
import { withApp } from '../session.js';
import { describeComponents, queueRefundUpload } from './refunds.js';
import { clockOf } from '../../context.js';

type ItemFlag = { orderItemId: string; quantity: number };

function parseReturnItem(value: string, previous: ItemFlag[] | undefined): ItemFlag[] {
  const match = /^([^:\s]+):([1-9]\d{0,5})$/.exec(value.trim());
  if (!match) throw new InvalidArgumentError('expected <order-item-id>:<qty>, e.g. 12345678901234:1.');
  return [...(previous ?? []), { orderItemId: match[1]!, quantity: Number(match[2]) }];
}

function rmaArgument(value: string): number {
  try {
    return parseRmaId(value);
  } catch (err) {
    throw new InvalidArgumentError(`${(err as Error).message}.`);
  }
}

function describeReturn(r: Return) {
  return {
    rma: r.rmaId,
    company: r.companyId,
    order: r.amazonOrderId,
    state: r.state,
    items: r.items.map((i) => `${i.orderItemId}x${i.quantity}`).join(' '),
    condition: r.condition,
    reason: r.reason,
    receivedAt: r.receivedAt ?? '',
    refundBy: r.state === 'received' ? (r.refundBy ?? '') : '',
    refund: r.refundId ?? '',
    problem: r.refundProblem ?? '',
  };
}

const COLUMNS = [
  'rma',
  'company',
  'order',
  'state',
  'items',
  'condition',
  'reason',
  'receivedAt',
  'refundBy',
  'refund',
  'problem',
];

function addCommand(): Command {
  return new Command('add')
    .description('authorize a return of shipped units of a seller-fulfilled order')
    .argument('<amazon-order-id>', 'Amazon order id, e.g. 113-1234567-1234567')
    .requiredOption('--company <id>', 'company id', parseId)
    .requiredOption(
      '--item <order-item-id:qty>',
      'the units returned; repeat for more lines',
      parseReturnItem,
    )
    .requiredOption('--reason <text>', 'why the buyer returns it')
    .addOption(
      new Option('--condition <condition>', 'the condition the units are expected in')
        .choices(RETURN_CONDITIONS)
        .default('sellable'),
    )
    .option('--json', 'print JSON')
    .action(
      async (
        amazonOrderId: string,
        flags: {
          company: number;
          item: ItemFlag[];
          reason: string;
          condition: ReturnCondition;
          json?: boolean;
        },
      ) => {
        const created = await withApp(async (app) => {
          const authorized = await addReturn(
            app.db,
            await getCompany(app.db, flags.company),
            {
              amazonOrderId,
              items: flags.item,
              reason: flags.reason,
              condition: flags.condition,
            },
            clockOf(app)(),
          );
          await auditCli(app, returnAudit('return.add', authorized));
          return authorized;
        });
        printResult(
          flags.json ?? false,
          created,
          () => `return ${created.rmaId} of order ${created.amazonOrderId} authorized`,
        );
      },
    );
}

function receiveCommand(): Command {
  return new Command('receive')
    .description('the returned units arrived: the refund is due within 2 business days')
    .argument('<rma-id>', 'the return, e.g. RMA-12', rmaArgument)
    .option('--json', 'print JSON')
    .action(async (id: number, flags: { json?: boolean }) => {
      const received = await withApp(async (app) => {
        const done = await receiveReturn(app.db, id, clockOf(app)());
        await auditCli(app, returnAudit('return.receive', done));
        return done;
      });
      printResult(
        flags.json ?? false,
        received,
        () =>
          `return ${received.rmaId} received: refund it by ${received.refundBy?.toISOString() ?? ''} (sellersync returns refund ${received.rmaId})`,
      );
    });
}

function refundCommand(): Command {
  return new Command('refund')
    .description('refund a received return: the returned units’ principal and tax, less a restocking fee')
    .argument('<rma-id>', 'the return, e.g. RMA-12', rmaArgument)
    .option(
      '--restocking-fee <amount>',
      'charge the buyer this restocking fee (a positive amount in the order’s currency)',
    )
    .option('--json', 'print JSON')
    .action(async (id: number, flags: { restockingFee?: string; json?: boolean }) => {
      const result = await withApp(async (app) => {
        const found = (await listReturns(app.db)).find((r) => r.id === id);
        if (!found) throw new UsageError(`return ${rmaIdOf(id)} is not known`);
        const company = await getCompany(app.db, found.companyId);
        const done = await refundReturn(
          app.db,
          company,
          id,
          flags.restockingFee !== undefined ? { restockingFee: flags.restockingFee } : {},
          app.config.refunds,
          clockOf(app)(),
        );
        await auditCli(app, returnAudit('return.refund', done.return, { refundId: done.refund.refund.id }));
        return { ...done, queued: await queueRefundUpload(app, company.id, done.refund.refund.holdUntil) };
      });
      const refund = result.refund.refund;
      printResult(
        flags.json ?? false,
        result,
        () =>
          `return ${result.return.rmaId} refunded: refund ${refund.id} (${refund.currency} ${describeComponents(refund)}), ` +
          `held until ${refund.holdUntil.toISOString()}`,
      );
    });
}

function listCommand(): Command {
  return new Command('list')
    .description('returns with their state and refund-by deadline')
    .option('--company <id>', 'only this company', parseId)
    .option('--open', 'only returns not closed yet')
    .option('--json', 'print JSON')
    .action(async (flags: { company?: number; open?: boolean; json?: boolean }) => {
      const returns = await withApp(
        (app) =>
          listReturns(app.db, {
            ...(flags.company !== undefined ? { companyId: flags.company } : {}),
            open: flags.open ?? false,
          }),
        { company: flags.company },
      );
      printResult(flags.json ?? false, returns, () => table(returns.map(describeReturn), COLUMNS));
    });
}

export function returnsCommand(): Command {
  return new Command('returns')
    .description('seller-fulfilled returns (RMAs) and their refunds')
    .addCommand(addCommand())
    .addCommand(receiveCommand())
    .addCommand(refundCommand())
    .addCommand(listCommand());
}
