import { Command, InvalidArgumentError } from 'commander';
import { getCompany } from '../../companies/companies.service.js';
import type { AppContext } from '../../context.js';
import { listFeeds } from '../../feeds/feeds.repository.js';
import { enqueueDelayedRun, enqueueManualRun } from '../../jobs/queues.js';
import {
  ADJUSTMENT_COMPONENTS,
  ADJUSTMENT_REASONS,
  isAdjustmentComponent,
  isAdjustmentReason,
  type AdjustmentReason,
} from '../../refunds/adjustment-codes.js';
import { listRefunds, type Refund } from '../../refunds/refunds.repository.js';
import { cancelRefund, refundableOf, requestRefund } from '../../refunds/refunds.service.js';
import { printResult, table } from '../output.js';
import { parseId } from '../parse.js';
import { withApp, withQueues } from '../session.js';
import { auditCli } from '../audit.js';
import { clockOf } from '../../context.js';

type ItemFlag = { orderItemId: string; components: { component: string; amount: string }[] };

const ITEM_FORMAT =
  '<order-item-id>:<component>=<amount>[,<component>=<amount>…], e.g. 12345678901234:Principal=10.00,Tax=0.80';

function parseRefundItem(value: string, previous: ItemFlag[] | undefined): ItemFlag[] {
  const match = /^([^:\s]+):(.+)$/.exec(value.trim());
  if (!match) throw new InvalidArgumentError(`expected ${ITEM_FORMAT}.`);
  const components = match[2]!.split(',').map((part) => {
    const pair = /^\s*([A-Za-z]+)\s*=\s*(\S+)\s*$/.exec(part);
    if (!pair) throw new InvalidArgumentError(`expected ${ITEM_FORMAT}.`);
    if (!isAdjustmentComponent(pair[1]!)) {
      throw new InvalidArgumentError(
        `unknown component ${pair[1]}: expected one of ${ADJUSTMENT_COMPONENTS.join(', ')}.`,
      );
    }
    return { component: pair[1]!, amount: pair[2]! };
  });
  return [...(previous ?? []), { orderItemId: match[1]!, components }];
}

function parseReason(value: string): AdjustmentReason {
  if (!isAdjustmentReason(value))
    throw new InvalidArgumentError(
      `expected one of Amazon's AdjustmentReason values: ${ADJUSTMENT_REASONS.join(', ')}.`,
    );
  return value;
}

function parseQuantity(value: string): number {
  if (!/^[1-9]\d{0,5}$/.test(value))
    throw new InvalidArgumentError('expected a whole number of units, at least 1.');
  return Number(value);
}

/** Queues the refund upload for when the hold ends; the scheduled upload is the safety net without Redis. */
export async function queueRefundUpload(
  app: AppContext,
  companyId: number,
  holdUntil: Date,
): Promise<boolean> {
  const delayMs = holdUntil.getTime() - clockOf(app)().getTime();
  return withQueues(app, async (queues) => {
    if (delayMs > 0) await enqueueDelayedRun(queues, 'refund-upload', companyId, delayMs);
    else await enqueueManualRun(queues, 'refund-upload', companyId);
  }).then(
    () => true,
    () => false,
  );
}

export function describeComponents(refund: Refund): string {
  return refund.items
    .map((i) => `${i.orderItemId}:${i.components.map((c) => `${c.component}=${c.amount}`).join(',')}`)
    .join(' ');
}

interface RefundFlags {
  company: number;
  reason: AdjustmentReason;
  full?: boolean;
  item?: ItemFlag[];
  quantity?: number;
  json?: boolean;
}

export function refundOrderCommand(): Command {
  return new Command('refund')
    .description(
      'refund a shipped seller-fulfilled order in full, in part or per line, with one of Amazon’s reasons',
    )
    .argument('<amazon-order-id>', 'Amazon order id, e.g. 113-1234567-1234567')
    .requiredOption('--company <id>', 'company id', parseId)
    .requiredOption('--reason <AdjustmentReason>', ADJUSTMENT_REASONS.join(' | '), parseReason)
    .option('--full', 'refund everything still refundable')
    .option(
      '--item <line>',
      `${ITEM_FORMAT}; amounts are line totals, not per unit; repeat for more lines`,
      parseRefundItem,
    )
    .option('--quantity <n>', 'with one --item: the units of that line the refund is for', parseQuantity)
    .option('--json', 'print JSON')
    .action(async (amazonOrderId: string, flags: RefundFlags) => {
      const result = await withApp(async (app) => {
        const company = await getCompany(app.db, flags.company);
        const requested = await requestRefund(
          app.db,
          company,
          {
            amazonOrderId,
            reason: flags.reason,
            full: flags.full ?? false,
            items: flags.item ?? [],
            ...(flags.quantity !== undefined ? { quantity: flags.quantity } : {}),
          },
          app.config.refunds,
          clockOf(app)(),
        );
        const { refund } = requested;
        await auditCli(app, {
          action: 'order.refund',
          companyId: company.id,
          amazonOrderId,
          detail: {
            refundId: refund.id,
            reason: refund.reason,
            full: refund.full,
            currency: refund.currency,
          },
        });
        return { ...requested, queued: await queueRefundUpload(app, company.id, refund.holdUntil) };
      });
      const { refund } = result;
      printResult(flags.json ?? false, result, () =>
        [
          `refund ${refund.id} of order ${refund.amazonOrderId} requested (${refund.reason}, ${refund.currency}): ${describeComponents(refund)}`,
          `held until ${refund.holdUntil.toISOString()}: undo it before then with sellersync refunds cancel ${refund.id} --company ${refund.companyId}`,
          `left to refund afterwards: ${result.left} ${refund.currency}; payment status ${result.paymentStatus}`,
          result.queued
            ? 'queued for the refund upload at the end of the hold'
            : 'the next scheduled refund upload sends it (the queue is unreachable)',
        ].join('\n'),
      );
    });
}

export function refundableCommand(): Command {
  return new Command('refundable')
    .description('per line and component: charged, refunded, in flight and left to refund')
    .argument('<amazon-order-id>', 'Amazon order id, e.g. 113-1234567-1234567')
    .requiredOption('--company <id>', 'company id', parseId)
    .option('--json', 'print JSON')
    .action(async (amazonOrderId: string, flags: { company: number; json?: boolean }) => {
      const view = await withApp((app) => refundableOf(app.db, flags.company, amazonOrderId), {
        company: flags.company,
      });
      printResult(flags.json ?? false, view, () =>
        [
          `order ${view.amazonOrderId} (${view.status}, ${view.currency}): charged ${view.charged}, refunded ${view.refunded} ` +
            `(by Amazon ${view.refundedByAmazon}), ` +
            `in flight ${view.inFlight}, left ${view.left}; payment status ${view.paymentStatus}`,
          table(
            view.lines.flatMap((line) =>
              line.components.map((c) => ({
                orderItemId: line.orderItemId,
                shipped: line.quantityShipped,
                ...c,
              })),
            ),
            [
              'orderItemId',
              'shipped',
              'component',
              'charged',
              'refunded',
              'refundedByAmazon',
              'inFlight',
              'left',
            ],
          ),
        ].join('\n'),
      );
    });
}

function listCommand(): Command {
  return new Command('list')
    .description('refunds with their state, who initiated them and the settlement line that confirmed them')
    .requiredOption('--company <id>', 'company id', parseId)
    .option('--json', 'print JSON')
    .action(async (flags: { company: number; json?: boolean }) => {
      const { refunds, feeds } = await withApp(
        async (app) => ({
          refunds: await listRefunds(app.db, flags.company),
          feeds: await listFeeds(app.db, flags.company, { kind: 'payment-adjustment', limit: 100_000 }),
        }),
        { company: flags.company },
      );
      const amazonFeedIds = new Map(feeds.map((f) => [f.id, f.amazonFeedId]));
      printResult(
        flags.json ?? false,
        refunds.map((r) => ({
          ...r,
          amazonFeedId: r.feedId === null ? null : (amazonFeedIds.get(r.feedId) ?? null),
        })),
        () =>
          table(
            refunds.map((r) => ({
              id: r.id,
              order: r.amazonOrderId,
              reason: r.reason,
              state: r.state,
              by: r.initiatedBy,
              amounts: `${r.currency} ${describeComponents(r)}`,
              holdUntil: r.state === 'requested' ? r.holdUntil : '',
              feed:
                r.feedId === null
                  ? ''
                  : `${r.feedId}${amazonFeedIds.get(r.feedId) ? ` (${amazonFeedIds.get(r.feedId)})` : ''}`,
              settlement: [
                ...new Set(
                  r.items.flatMap((i) => i.components.map((c) => c.settlementLineRef)).filter(Boolean),
                ),
              ].join(' '),
              note: r.resultMessage ? `${r.resultCode ?? ''}: ${r.resultMessage}` : (r.lastError ?? ''),
            })),
            ['id', 'order', 'reason', 'state', 'by', 'amounts', 'holdUntil', 'feed', 'settlement', 'note'],
          ),
      );
    });
}

function cancelCommand(): Command {
  return new Command('cancel')
    .description('undo a refund no feed has taken yet (during its hold)')
    .argument('<refund-id>', 'the refund id (refunds list)', parseId)
    .requiredOption('--company <id>', 'company id', parseId)
    .option('--json', 'print JSON')
    .action(async (refundId: number, flags: { company: number; json?: boolean }) => {
      const refund = await withApp(
        async (app) => {
          const cancelled = await cancelRefund(app.db, flags.company, refundId, clockOf(app)());
          await auditCli(app, {
            action: 'refund.cancel',
            companyId: flags.company,
            amazonOrderId: cancelled.amazonOrderId,
            detail: { refundId },
          });
          return cancelled;
        },
        { company: flags.company },
      );
      printResult(
        flags.json ?? false,
        refund,
        () => `refund ${refund.id} of order ${refund.amazonOrderId} cancelled: it will not be sent`,
      );
    });
}

export function refundsCommand(): Command {
  return new Command('refunds')
    .description('refunds sent to Amazon, or issued by Amazon')
    .addCommand(listCommand())
    .addCommand(cancelCommand());
}
