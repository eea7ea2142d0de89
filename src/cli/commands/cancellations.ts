import { Command, InvalidArgumentError } from 'commander';
import { CANCEL_REASONS, isCancelReason, type CancelReason } from '../../cancellations/cancel-reasons.js';
import { describeCancelRate } from '../../cancellations/cancel-rate.js';
import { listCancellations, type Cancellation } from '../../cancellations/cancellations.repository.js';
import { declineCancelRequest, requestCancellation } from '../../cancellations/cancellations.service.js';
import { CANCELLATION_STATES, type CancellationState } from '../../cancellations/cancellations.table.js';
import { getCompany } from '../../companies/companies.service.js';
import { listFeeds } from '../../feeds/feeds.repository.js';
import { fulfillmentShipmentGuard } from '../../fulfillment/cancellation-guard.js';
import { listZeroings } from '../../inventory/zeroings.repository.js';
import { listOpenCancelRequests } from '../../orders/orders.cancelling.js';
import { printResult, table } from '../output.js';
import { parseId } from '../parse.js';
import { withApp } from '../session.js';
import {
  describeQueued,
  queueCancellationUpload,
  releaseCancellationCommand,
  requeueCancellationCommand,
} from './cancellation-resolve.js';
import { auditCli } from '../audit.js';
import { clockOf } from '../../context.js';

type ItemFlag = { orderItemId: string; quantity?: number };

function parseCancelItem(value: string, previous: ItemFlag[] | undefined): ItemFlag[] {
  const match = /^([^:\s]+)(?::(\d{1,6}))?$/.exec(value.trim());
  if (!match || match[2] === '0')
    throw new InvalidArgumentError('expected <order-item-id>[:<quantity>], e.g. 12345678901234:1.');
  const item: ItemFlag = { orderItemId: match[1]! };
  if (match[2] !== undefined) item.quantity = Number(match[2]);
  return [...(previous ?? []), item];
}

function parseReason(value: string): CancelReason {
  if (!isCancelReason(value)) throw new InvalidArgumentError(`expected one of ${CANCEL_REASONS.join(', ')}.`);
  return value;
}

interface CancelFlags {
  company: number;
  reason: CancelReason;
  item?: ItemFlag[];
  zeroInventory?: boolean;
  force?: boolean;
  json?: boolean;
}

export function cancelOrderCommand(): Command {
  return new Command('cancel')
    .description(
      'cancel a seller-fulfilled order, or some of its lines or units, with one of Amazon’s reasons',
    )
    .argument('<amazon-order-id>', 'Amazon order id, e.g. 113-1234567-1234567')
    .requiredOption('--company <id>', 'company id', parseId)
    .requiredOption('--reason <CancelReason>', CANCEL_REASONS.join(' | '), parseReason)
    .option(
      '--item <order-item-id[:quantity]>',
      'only this line (all its units left, or this many); repeat for more lines; none: the whole order',
      parseCancelItem,
    )
    .option('--zero-inventory', 'with NoInventory: also set the lines’ SKUs to quantity 0 on Amazon')
    .option(
      '--force',
      'send BuyerCanceled although the buyer did not request it (counts against the cancel rate)',
    )
    .option('--json', 'print JSON')
    .action(async (amazonOrderId: string, flags: CancelFlags) => {
      const result = await withApp(async (app) => {
        const company = await getCompany(app.db, flags.company);
        const requested = await requestCancellation(
          app.db,
          fulfillmentShipmentGuard,
          company,
          {
            amazonOrderId,
            reason: flags.reason,
            ...(flags.item ? { items: flags.item } : {}),
            zeroInventory: flags.zeroInventory ?? false,
            force: flags.force ?? false,
          },
          clockOf(app)(),
        );
        const { cancellation } = requested;
        await auditCli(app, {
          action: 'order.cancel',
          companyId: company.id,
          amazonOrderId,
          detail: { cancellationId: cancellation.id, reason: cancellation.reason },
        });
        return { ...requested, queued: await queueCancellationUpload(app, company.id) };
      });
      const { cancellation } = result;
      printResult(flags.json ?? false, result, () =>
        [
          `cancellation ${cancellation.id} of order ${cancellation.amazonOrderId} requested (${cancellation.reason}): ` +
            cancellation.items.map((i) => `${i.orderItemId}x${i.quantity}`).join(' '),
          describeCancelRate(result.cancelRate),
          ...result.warnings.map((w) => `warning: ${w}`),
          result.voidedShipments > 0 ? `${result.voidedShipments} shipment(s) waiting for upload voided` : '',
          result.zeroings > 0 ? `${result.zeroings} SKU(s) to be set to quantity 0 on Amazon` : '',
          describeQueued(result.queued),
        ]
          .filter(Boolean)
          .join('\n'),
      );
    });
}

export function cancelRequestsCommand(): Command {
  return new Command('cancel-requests')
    .description(
      'open buyer cancellation requests, with the buyer’s reason and the respond-by deadline, soonest first',
    )
    .requiredOption('--company <id>', 'company id', parseId)
    .option('--json', 'print JSON')
    .action(async (flags: { company: number; json?: boolean }) => {
      const requests = await withApp(async (app) => {
        await getCompany(app.db, flags.company);
        return listOpenCancelRequests(app.db, flags.company);
      });
      printResult(flags.json ?? false, requests, () =>
        table(requests as unknown as Record<string, unknown>[], [
          'amazonOrderId',
          'status',
          'buyerReason',
          'requestedAt',
          'respondBy',
        ]),
      );
    });
}

export function declineCancelCommand(): Command {
  return new Command('decline-cancel')
    .description(
      'keep an order whose buyer asked to cancel: the hold is released and the order ships normally',
    )
    .argument('<amazon-order-id>', 'Amazon order id, e.g. 113-1234567-1234567')
    .requiredOption('--company <id>', 'company id', parseId)
    .option('--json', 'print JSON')
    .action(async (amazonOrderId: string, flags: { company: number; json?: boolean }) => {
      const outcome = await withApp(async (app) => {
        await getCompany(app.db, flags.company);
        const declined = await declineCancelRequest(app.db, flags.company, amazonOrderId, clockOf(app)());
        await auditCli(app, { action: 'cancel-request.decline', companyId: flags.company, amazonOrderId });
        return declined;
      });
      printResult(
        flags.json ?? false,
        outcome,
        () => `cancellation request of order ${amazonOrderId} declined: the order is no longer on hold`,
      );
    });
}

function describeCancellation(c: Cancellation, amazonFeedIds: Map<number, string | null>) {
  return {
    id: c.id,
    order: c.amazonOrderId,
    reason: c.reason,
    state: c.state,
    items: c.items.map((i) => `${i.orderItemId}x${i.quantity}`).join(' '),
    feed:
      c.feedId === null
        ? ''
        : `${c.feedId}${amazonFeedIds.get(c.feedId) ? ` (${amazonFeedIds.get(c.feedId)})` : ''}`,
    requestedAt: c.requestedAt,
    note: c.resultMessage ? `${c.resultCode ?? ''}: ${c.resultMessage}` : (c.lastError ?? ''),
  };
}

function parseState(value: string): CancellationState {
  if (!(CANCELLATION_STATES as readonly string[]).includes(value))
    throw new InvalidArgumentError(`expected one of ${CANCELLATION_STATES.join(', ')}.`);
  return value as CancellationState;
}

export function cancellationsCommand(): Command {
  const command = new Command('cancellations').description('seller cancellations sent to Amazon');
  command
    .command('list')
    .description('cancellations with their state and the feed that carried them, oldest first')
    .requiredOption('--company <id>', 'company id', parseId)
    .option('--state <state>', CANCELLATION_STATES.join(' | '), parseState)
    .option('--json', 'print JSON')
    .action(async (flags: { company: number; state?: CancellationState; json?: boolean }) => {
      const { cancellations, feeds } = await withApp(async (app) => {
        await getCompany(app.db, flags.company);
        return {
          cancellations: await listCancellations(
            app.db,
            flags.company,
            flags.state ? { states: [flags.state] } : {},
          ),
          feeds: await listFeeds(app.db, flags.company, { kind: 'order-acknowledgement', limit: 100_000 }),
        };
      });
      const amazonFeedIds = new Map(feeds.map((f) => [f.id, f.amazonFeedId]));
      printResult(
        flags.json ?? false,
        cancellations.map((c) => ({
          ...c,
          amazonFeedId: c.feedId === null ? null : (amazonFeedIds.get(c.feedId) ?? null),
        })),
        () =>
          table(
            cancellations.map((c) => describeCancellation(c, amazonFeedIds)),
            ['id', 'order', 'reason', 'state', 'items', 'feed', 'requestedAt', 'note'],
          ),
      );
    });
  command.addCommand(requeueCancellationCommand());
  command.addCommand(releaseCancellationCommand());
  return command;
}

export function inventoryCommand(): Command {
  const command = new Command('inventory').description('inventory on Amazon');
  command
    .command('zeroed')
    .description('SKUs set to quantity 0 on Amazon after NoInventory cancellations, newest first')
    .requiredOption('--company <id>', 'company id', parseId)
    .option('--json', 'print JSON')
    .action(async (flags: { company: number; json?: boolean }) => {
      const zeroings = await withApp(async (app) => {
        await getCompany(app.db, flags.company);
        return listZeroings(app.db, flags.company);
      });
      printResult(flags.json ?? false, zeroings, () =>
        table(
          zeroings.map((z) => ({
            ...z,
            issues: z.issues.map((i) => `${i.code}: ${i.message}`).join('; ') || (z.error ?? ''),
          })),
          [
            'id',
            'sku',
            'marketplaceId',
            'amazonOrderId',
            'state',
            'requestedAt',
            'answeredAt',
            'submissionId',
            'issues',
          ],
        ),
      );
    });
  return command;
}
