import { Command, InvalidArgumentError, Option } from 'commander';
import { cancelOrderCommand, cancelRequestsCommand, declineCancelCommand } from './cancellations.js';
import { refundableCommand, refundOrderCommand } from './refunds.js';
import { listDownloadProblems } from '../../orders/download-problems.repository.js';
import { listOrders } from '../../orders/orders.queries.js';
import { orderPnlCommand } from './settlements.js';
import {
  FULFILLMENT_CHANNELS,
  ORDER_STATUSES,
  ORDER_SUBTYPES,
  type OrderStatus,
} from '../../orders/orders.table.js';
import { parseInstant } from '../../shared/dates.js';
import { NotFoundError } from '../../shared/errors.js';
import { keyValues, printResult, table } from '../output.js';
import { parseId } from '../parse.js';
import { listAtRiskWork, showOrderStories, type OrderStory } from '../../order-story.js';
import { withApp } from '../session.js';
import { clockOf } from '../../context.js';

function parseDate(value: string): Date {
  try {
    return parseInstant(value).date;
  } catch (err) {
    throw new InvalidArgumentError(`${(err as Error).message}.`);
  }
}

function parseStatuses(value: string, previous: OrderStatus[] | undefined): OrderStatus[] {
  const statuses = value.split(',').map((s) => s.trim());
  const unknown = statuses.filter((s) => !(ORDER_STATUSES as readonly string[]).includes(s));
  if (unknown.length > 0)
    throw new InvalidArgumentError(
      `unknown status ${unknown.join(', ')}; expected ${ORDER_STATUSES.join(', ')}.`,
    );
  return [...(previous ?? []), ...(statuses as OrderStatus[])];
}

function parseHours(value: string): number {
  if (!/^\d+$/.test(value) || Number(value) < 1 || Number(value) > 720)
    throw new InvalidArgumentError('expected whole hours from 1 to 720.');
  return Number(value);
}

const LIST_COLUMNS = [
  'companyId',
  'amazonOrderId',
  'purchaseDate',
  'status',
  'fulfillmentChannel',
  'subtypes',
  'orderTotal',
  'currency',
  'latestShipDate',
  'onHold',
];

interface ListFlags {
  company?: number;
  status?: OrderStatus[];
  subtype?: (typeof ORDER_SUBTYPES)[number];
  channel?: (typeof FULFILLMENT_CHANNELS)[number];
  from?: Date;
  to?: Date;
  onHold?: boolean;
  atRisk?: number | true;
  limit: number;
  json?: boolean;
}

function listCommand(): Command {
  return new Command('list')
    .description('list downloaded orders, newest purchase first')
    .option('--company <id>', 'only this company', parseId)
    .option('--status <statuses>', `comma-separated: ${ORDER_STATUSES.join(', ')}`, parseStatuses)
    .addOption(new Option('--subtype <subtype>', 'only orders with this subtype').choices(ORDER_SUBTYPES))
    .addOption(new Option('--channel <channel>', 'fulfillment channel').choices(FULFILLMENT_CHANNELS))
    .option('--from <date>', 'purchased on or after', parseDate)
    .option('--to <date>', 'purchased before', parseDate)
    .option('--on-hold', 'only orders on hold')
    .option(
      '--at-risk [hours]',
      'only seller-fulfilled orders late or due to ship within the hours (default ORDER_AT_RISK_HOURS)',
      parseHours,
    )
    .option('--limit <n>', 'how many orders', parseId, 50)
    .option('--json', 'print JSON')
    .action(async (flags: ListFlags) => {
      const orders = await withApp(
        (app) =>
          listOrders(
            app.db,
            {
              companyId: flags.company,
              statuses: flags.status,
              subtype: flags.subtype,
              fulfillmentChannel: flags.channel,
              from: flags.from,
              to: flags.to,
              onHold: flags.onHold,
              atRiskHours: flags.atRisk === true ? app.config.orders.atRiskHours : flags.atRisk,
              limit: flags.limit,
            },
            clockOf(app)(),
          ),
        { company: flags.company },
      );
      printResult(flags.json ?? false, orders, () =>
        table(orders as unknown as Record<string, unknown>[], LIST_COLUMNS),
      );
    });
}

function atRiskCommand(): Command {
  return new Command('at-risk')
    .description(
      'seller-fulfilled orders still to ship that are late or due within the hours, and buyer cancellation ' +
        'requests unanswered within 12 h of their respond-by deadline, and received returns whose refund-by ' +
        'deadline is within the hours, soonest deadline first',
    )
    .option('--company <id>', 'only this company', parseId)
    .option('--hours <hours>', 'hours ahead (default ORDER_AT_RISK_HOURS)', parseHours)
    .option('--limit <n>', 'how many orders', parseId, 100)
    .option('--json', 'print JSON')
    .action(async (flags: { company?: number; hours?: number; limit: number; json?: boolean }) => {
      const orders = await withApp(
        async (app) =>
          listAtRiskWork(
            app.db,
            flags.company,
            flags.hours ?? app.config.orders.atRiskHours,
            flags.limit,
            clockOf(app)(),
          ),
        { company: flags.company },
      );
      printResult(flags.json ?? false, orders, () =>
        table(orders, [
          'companyId',
          'amazonOrderId',
          'status',
          'risk',
          'latestShipDate',
          'cancelRespondBy',
          'refundBy',
          'hoursLeft',
          'late',
          'onHold',
        ]),
      );
    });
}

function describePackage(p: OrderStory['order']['packages'][number]): string {
  const parts = [p.carrier, p.shippingService, p.trackingNumber, p.shipTime && `shipped ${p.shipTime}`];
  return `${p.packageReferenceId}: ${parts.filter(Boolean).join(' ')}${p.status ? ` (${p.status})` : ''}`;
}

function describeOrder(details: OrderStory): string {
  const { order, items, timeline } = details;
  const flags = [
    order.onHold && `on hold (${order.holdReason ?? ''})`,
    order.isCheckoutByAmazon && 'Checkout by Amazon',
    order.cancelRespondBy && `respond to the cancellation request by ${order.cancelRespondBy.toISOString()}`,
  ].filter(Boolean);
  return [
    keyValues({
      ...order,
      subtypes: order.subtypes.join(', ') || '-',
      programs: order.programs.join(', ') || '-',
      packages: order.packages.map(describePackage).join('; ') || '-',
      unknownValues: order.unknownValues.map((u) => `${u.field}=${u.value}`).join(', ') || '-',
      flags: flags.join('; ') || '-',
      refundPaymentStatus: details.refundPaymentStatus ?? '-',
    } as unknown as Record<string, unknown>),
    '',
    'items:',
    table(items as unknown as Record<string, unknown>[], [
      'orderItemId',
      'sku',
      'asin',
      'quantityOrdered',
      'quantityShipped',
      'quantityCancelled',
      'itemPrice',
      'itemTax',
      'priceDesignation',
      'giftWrapLevel',
      'giftWrapPrice',
      'giftWrapTax',
      'hasGiftMessage',
      'customizationSummary',
    ]),
    '',
    'timeline:',
    table(
      timeline.map((e) => ({ ...e, detail: JSON.stringify(e.detail) })),
      ['occurredAt', 'kind', 'fromStatus', 'toStatus', 'source', 'detail'],
    ),
    ...(details.buyer !== undefined
      ? [
          '',
          'buyer:',
          JSON.stringify(details.buyer),
          'recipient:',
          JSON.stringify(details.recipient),
          'gift messages and customizations:',
          JSON.stringify(details.itemBuyerData ?? []),
        ]
      : []),
  ].join('\n');
}

function showCommand(): Command {
  return new Command('show')
    .description('one order with its items, note, flags and timeline')
    .argument('<amazon-order-id>', 'Amazon order id, e.g. 113-1234567-1234567')
    .option('--company <id>', 'the company, when several have an order with this id', parseId)
    .option('--buyer-data', 'also show the buyer and recipient (decrypted); use only to fulfil the order')
    .option('--json', 'print JSON')
    .action(
      async (amazonOrderId: string, flags: { company?: number; buyerData?: boolean; json?: boolean }) => {
        const found = await withApp(
          (app) => showOrderStories(app.db, app.config.keyring, amazonOrderId, flags.buyerData ?? false),
          { company: flags.company },
        );
        const details = found.filter(
          (d) => flags.company === undefined || d.order.companyId === flags.company,
        );
        if (details.length === 0) throw new NotFoundError(`order ${amazonOrderId} has not been downloaded`);
        printResult(flags.json ?? false, details.length === 1 ? details[0] : details, () =>
          details.map(describeOrder).join('\n\n'),
        );
      },
    );
}

function problemsCommand(): Command {
  return new Command('problems')
    .description('orders the download could not read, map or store and set aside; open ones unless --all')
    .option('--company <id>', 'only this company', parseId)
    .option('--all', 'also the resolved ones')
    .option('--json', 'print JSON')
    .action(async (flags: { company?: number; all?: boolean; json?: boolean }) => {
      const problems = await withApp(
        (app) =>
          listDownloadProblems(app.db, { companyId: flags.company, includeResolved: flags.all ?? false }),
        { company: flags.company },
      );
      printResult(flags.json ?? false, problems, () =>
        table(problems as unknown as Record<string, unknown>[], [
          'companyId',
          'amazonOrderId',
          'lastSeenAt',
          'firstSeenAt',
          'resolvedAt',
          'source',
          'problem',
        ]),
      );
    });
}

export function ordersCommand(): Command {
  return new Command('orders')
    .description('downloaded Amazon orders')
    .addCommand(listCommand())
    .addCommand(showCommand())
    .addCommand(atRiskCommand())
    .addCommand(problemsCommand())
    .addCommand(cancelOrderCommand())
    .addCommand(cancelRequestsCommand())
    .addCommand(declineCancelCommand())
    .addCommand(refundOrderCommand())
    .addCommand(orderPnlCommand())
    .addCommand(refundableCommand());
}
