import { Command, InvalidArgumentError } from 'commander';
import { getCompany } from '../../companies/companies.service.js';
import { fulfillmentMetrics, type MarketplaceMetrics, type RateFigure } from '../../fulfillment/metrics.js';
import { getDefaultShipFrom, setDefaultShipFrom } from '../../fulfillment/ship-from.js';
import { listShipments, type Shipment } from '../../fulfillment/shipments.repository.js';
import { recordShipment, requeueShipments } from '../../fulfillment/shipments.service.js';
import { meansShipNow } from '../../fulfillment/shipment-input.js';
import { SHIPMENT_STATES, type ShipmentState } from '../../fulfillment/shipments.table.js';
import { parseInstant } from '../../shared/dates.js';
import { keyValues, printNotes, printResult, table } from '../output.js';
import { parseId, parseIds } from '../parse.js';
import { withApp } from '../session.js';
import { auditCli } from '../audit.js';
import { clockOf } from '../../context.js';

interface ShipFromFlags {
  shipFromName?: string;
  shipFromLine1?: string;
  shipFromLine2?: string;
  shipFromCity?: string;
  shipFromState?: string;
  shipFromPostalCode?: string;
  shipFromCountry?: string;
}

function addShipFromOptions(command: Command): Command {
  return command
    .option('--ship-from-name <name>', 'ship-from name (warehouse or company)')
    .option('--ship-from-line1 <text>', 'ship-from address line 1')
    .option('--ship-from-line2 <text>', 'ship-from address line 2')
    .option('--ship-from-city <city>', 'ship-from city')
    .option('--ship-from-state <state>', 'ship-from state or region')
    .option('--ship-from-postal-code <code>', 'ship-from postal code')
    .option('--ship-from-country <code>', 'ship-from country, two letters (US)');
}

function shipFromInput(flags: ShipFromFlags): Record<string, string> | undefined {
  const input = {
    name: flags.shipFromName,
    line1: flags.shipFromLine1,
    line2: flags.shipFromLine2,
    city: flags.shipFromCity,
    state: flags.shipFromState,
    postalCode: flags.shipFromPostalCode,
    country: flags.shipFromCountry,
  };
  const given = Object.fromEntries(
    Object.entries(input).filter(([, value]) => value !== undefined),
  ) as Record<string, string>;
  return Object.keys(given).length > 0 ? given : undefined;
}

function parseItem(value: string, previous: { orderItemId: string; quantity: number }[] | undefined) {
  const match = /^([^:\s]+):(\d{1,6})$/.exec(value.trim());
  if (!match) throw new InvalidArgumentError('expected <order-item-id>:<quantity>, e.g. 12345678901234:2.');
  return [...(previous ?? []), { orderItemId: match[1]!, quantity: Number(match[2]) }];
}

function describeShipment(s: Shipment): Record<string, unknown> {
  return {
    id: s.id,
    order: s.amazonOrderId,
    state: s.state,
    carrier: s.carrierCode === 'Other' ? `Other (${s.carrierName})` : s.carrierCode,
    tracking: s.trackingNumber,
    shipped: s.shipDate,
    items: s.items.map((i) => `${i.orderItemId}x${i.quantity}`).join(' '),
    note: s.voidReason ?? (s.resultMessage ? `${s.resultCode}: ${s.resultMessage}` : (s.lastError ?? '')),
  };
}

interface ShipFlags extends ShipFromFlags {
  company: number;
  order: string;
  carrier: string;
  carrierName?: string;
  shippingMethod?: string;
  tracking: string;
  shipDate?: string;
  item: { orderItemId: string; quantity: number }[];
  json?: boolean;
}

function describeClockOffset(offsetMs: number): string {
  const seconds = Math.round(Math.abs(offsetMs) / 1000);
  if (seconds === 0) return 'the same as ours';
  const amount =
    seconds < 120
      ? `${seconds} s`
      : seconds < 7200
        ? `${Math.round(seconds / 60)} min`
        : `${(seconds / 3600).toFixed(1)} h`;
  return `${amount} ${offsetMs > 0 ? 'ahead of' : 'behind'} ours`;
}

/** Says how `--ship-date` was read: now on Amazon's clock, with its own zone, or in the company's time zone. */
function shipDateReading(given: string | undefined, timeZone: string, shipDate: Date, now: Date): string {
  if (given === undefined || meansShipNow(given)) {
    const offset = describeClockOffset(shipDate.getTime() - now.getTime());
    return `ship date now, on Amazon's clock (${offset}, as the last order download measured): ${shipDate.toISOString()}`;
  }
  const { reading } = parseInstant(given, timeZone);
  const value = given.trim();
  if (reading === 'date-time-zoned')
    return `ship date ${value} read with its own zone: ${shipDate.toISOString()}`;
  const what = reading === 'date-local' ? 'a calendar date (midnight)' : 'a local time';
  return `ship date ${value} read as ${what} in the company's time zone ${timeZone}: ${shipDate.toISOString()}; give a zone (Z, -08:00) to say otherwise`;
}

export function shipCommand(): Command {
  return addShipFromOptions(
    new Command('ship')
      .description(
        'record a shipment (one package) of a seller-fulfilled order; the upload job confirms it to Amazon',
      )
      .requiredOption('--company <id>', 'company id', parseId)
      .requiredOption('--order <amazon-order-id>', 'Amazon order id')
      .requiredOption(
        '--carrier <carrier>',
        "Amazon carrier code (UPS, USPS, FedEx, ...) or any other carrier's name",
      )
      .option('--carrier-name <name>', 'the carrier name when --carrier is Other')
      .option('--shipping-method <method>', 'shipping method, e.g. "UPS Ground"')
      .requiredOption('--tracking <number>', 'tracking number')
      .option(
        '--ship-date <date>',
        "ship date: now (the default: the moment it is recorded, on Amazon's clock), ISO 8601 with its zone (2026-11-20T15:30:00Z, …-08:00), or a local date or time in the company's time zone (2026-11-20, 2026-11-20T15:30)",
      )
      .requiredOption('--item <order-item-id:quantity>', 'an item in the package, repeatable', parseItem),
  )
    .option('--json', 'print JSON')
    .action(async (flags: ShipFlags) => {
      const input = {
        amazonOrderId: flags.order,
        carrier: flags.carrier,
        carrierName: flags.carrierName,
        shippingMethod: flags.shippingMethod,
        trackingNumber: flags.tracking,
        shipDate: flags.shipDate,
        shipFrom: shipFromInput(flags),
        items: flags.item,
      };
      const clean = Object.fromEntries(Object.entries(input).filter(([, value]) => value !== undefined));
      const { shipment, company, now } = await withApp(
        async (app) => {
          const now = clockOf(app)();
          const recorded = await recordShipment(app.db, flags.company, clean, now);
          await auditCli(app, {
            action: 'shipment.record',
            companyId: flags.company,
            amazonOrderId: recorded.amazonOrderId,
            detail: { shipmentId: recorded.id, carrier: recorded.carrierCode, items: recorded.items.length },
          });
          return { shipment: recorded, company: await getCompany(app.db, flags.company), now };
        },
        { company: flags.company },
      );
      const notes = [shipDateReading(flags.shipDate, company.timeZone, shipment.shipDate, now)];
      if (!company.allowFulfillmentUpload) {
        notes.push(
          `fulfillment upload is off for company ${company.id}: this shipment will not be uploaded until it is on (sellersync company set ${company.id} --allow-fulfillment-upload on)`,
        );
      }
      printNotes(flags.json ?? false, notes);
      printResult(
        flags.json ?? false,
        shipment,
        () => `shipment ${shipment.id} recorded, pending upload\n${keyValues(describeShipment(shipment))}`,
      );
    });
}

function parseState(value: string, previous: ShipmentState[] | undefined): ShipmentState[] {
  if (!(SHIPMENT_STATES as readonly string[]).includes(value)) {
    throw new InvalidArgumentError(`expected one of ${SHIPMENT_STATES.join(', ')}.`);
  }
  return [...(previous ?? []), value as ShipmentState];
}

interface ListFlags {
  company: number;
  state?: ShipmentState[];
  problems?: boolean;
  order?: string;
  json?: boolean;
}

const LIST_COLUMNS = ['id', 'order', 'state', 'carrier', 'tracking', 'shipped', 'items', 'note'];

function listCommand(): Command {
  return new Command('list')
    .description('list shipments; --problems shows the rejected and prevented ones to fix')
    .requiredOption('--company <id>', 'company id', parseId)
    .option('--state <state>', `only these states (${SHIPMENT_STATES.join(', ')}), repeatable`, parseState)
    .option('--problems', 'only rejected and voided (prevented from shipping) shipments')
    .option('--order <amazon-order-id>', 'only this order')
    .option('--json', 'print JSON')
    .action(async (flags: ListFlags) => {
      const states = flags.problems ? (['rejected', 'voided'] as const) : flags.state;
      const found = await withApp(
        (app) =>
          listShipments(app.db, flags.company, {
            ...(states ? { states } : {}),
            ...(flags.order ? { amazonOrderIds: [flags.order] } : {}),
            limit: 1000,
          }),
        { company: flags.company },
      );
      printResult(flags.json ?? false, found, () => table(found.map(describeShipment), LIST_COLUMNS));
    });
}

function requeueCommand(): Command {
  return new Command('requeue')
    .description('send rejected shipments again with the next upload (after fixing what Amazon reported)')
    .requiredOption('--company <id>', 'company id', parseId)
    .argument('<shipment-ids...>', 'shipment ids', parseIds)
    .option('--json', 'print JSON')
    .action(async (ids: number[], flags: { company: number; json?: boolean }) => {
      const requeued = await withApp(
        async (app) => {
          const moved = await requeueShipments(app.db, flags.company, ids);
          await auditCli(app, {
            action: 'shipment.requeue',
            companyId: flags.company,
            detail: { shipmentIds: moved },
          });
          return moved;
        },
        { company: flags.company },
      );
      printResult(flags.json ?? false, { requeued }, () => `re-queued shipments ${requeued.join(', ')}`);
    });
}

function shipFromCommand(): Command {
  return addShipFromOptions(
    new Command('ship-from')
      .description("show or set the company's default ship-from address")
      .requiredOption('--company <id>', 'company id', parseId),
  )
    .option('--json', 'print JSON')
    .action(async (flags: ShipFromFlags & { company: number; json?: boolean }) => {
      const given = shipFromInput(flags);
      const address = await withApp(
        async (app) => {
          if (!given) return getDefaultShipFrom(app.db, flags.company);
          const changed = await setDefaultShipFrom(app.db, flags.company, given);
          await auditCli(app, {
            action: 'company.ship-from',
            companyId: flags.company,
            detail: { fields: Object.keys(given) },
          });
          return changed;
        },
        { company: flags.company },
      );
      printResult(flags.json ?? false, address, () => keyValues({ ...address }));
    });
}

export function shipmentsCommand(): Command {
  const shipments = new Command('shipments').description(
    'recorded shipments: list, re-queue rejected ones, default ship-from',
  );
  for (const command of [listCommand(), requeueCommand(), shipFromCommand()]) shipments.addCommand(command);
  return shipments;
}

function describeRate(figure: RateFigure): string {
  const rate = figure.rate === null ? 'n/a' : `${(figure.rate * 100).toFixed(2)}%`;
  const verdict = figure.meetsTarget === null ? '' : figure.meetsTarget ? 'ok' : 'BELOW TARGET';
  return `${rate} (${figure.numerator}/${figure.denominator}, target ${(figure.target * 100).toFixed(0)}%) ${verdict}`.trim();
}

function describeMetrics(metrics: MarketplaceMetrics[]): string {
  if (metrics.length === 0) return '(no marketplaces)';
  return metrics
    .map((m) =>
      [
        `marketplace ${m.marketplaceId}`,
        ...m.lateShipmentRate.map((f) => `  late shipment rate, ${f.windowDays} days: ${describeRate(f)}`),
        `  valid tracking rate, ${m.validTrackingRate.windowDays} days: ${describeRate(m.validTrackingRate)}`,
        `  orders at risk now: ${m.atRisk.length}`,
        ...m.atRisk.map(
          (r) =>
            `    ${r.amazonOrderId}  ship by ${r.latestShipDate.toISOString()}  ${r.hoursLeft}h left  ${r.status}  awaiting upload/confirmation: ${r.shipmentsAwaitingConfirmation}`,
        ),
        `  buyer cancellation requests unanswered within ${m.cancelRequestsAtRisk.withinHours} h of their deadline: ${m.cancelRequestsAtRisk.count}`,
      ].join('\n'),
    )
    .join('\n');
}

export function metricsCommand(): Command {
  return new Command('metrics')
    .description(
      "late shipment and valid tracking rates per marketplace beside Amazon's targets, and orders at risk now",
    )
    .requiredOption('--company <id>', 'company id', parseId)
    .option('--json', 'print JSON')
    .action(async (flags: { company: number; json?: boolean }) => {
      const metrics = await withApp(
        async (app) => {
          const company = await getCompany(app.db, flags.company);
          return fulfillmentMetrics(
            app.db,
            company.id,
            company.marketplaceIds,
            app.config.orders.atRiskHours,
            clockOf(app)(),
          );
        },
        { company: flags.company },
      );
      printResult(flags.json ?? false, metrics, () => describeMetrics(metrics));
    });
}
