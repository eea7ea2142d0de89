import {
  narrateListings,
  OUT_OF_STOCK_SKU,
  playCancellations,
  type DemoCancellations,
} from './demo-cancellations.js';
import type { Company } from '../companies/companies.service.js';
import { clockOf, type AppContext } from '../context.js';
import type { Logger } from '../shared/logger.js';
import { playReturn, type DemoReturn } from './demo-returns.js';
import { formatCents, type SimOrder } from './model.js';
import { closeSettlementPeriods } from './settlement.js';
import type { Simulation } from './simulation.js';

/**
 * Narrates the demo from the marketplace's side: what Amazon holds and what sellersync sent. It also
 * plays the warehouse (records a shipment in sellersync when the fulfillment domain is present), the
 * seller answering a buyer's cancellation request and cancelling an out-of-stock order, the return of
 * the shipped order refunded less a restocking fee, and closes a settlement period every few minutes.
 */

const SUMMARY_EVERY_MS = 15_000;
const SETTLEMENT_EVERY_MS = 5 * 60_000;
const FULFILLMENT_MODULE = '../fulfillment/shipments.service.js';

const DEMO_WAREHOUSE = {
  name: 'Demo warehouse',
  line1: '100 Industrial Way',
  city: 'Reno',
  state: 'NV',
  postalCode: '89502',
  country: 'US',
};

type RecordShipment = (
  db: AppContext['db'],
  companyId: number,
  input: unknown,
  now: Date,
) => Promise<unknown>;

async function loadRecordShipment(logger: Logger): Promise<RecordShipment | undefined> {
  try {
    // Resolved at run time: builds without the fulfillment domain still run the rest of the demo.
    const module = (await import(FULFILLMENT_MODULE)) as { recordShipment?: RecordShipment };
    return module.recordShipment;
  } catch (err) {
    logger.warn(
      { err: (err as Error).message },
      'recording shipments is not available in this build: the demo skips that step',
    );
    return undefined;
  }
}

interface OrderMark {
  status: string;
  cancelRequested: boolean;
  refundedCents: number;
  packages: number;
}

function markOf(order: SimOrder): OrderMark {
  return {
    status: order.status,
    cancelRequested: order.items.some((item) => item.buyerCancelReason !== undefined),
    refundedCents: order.items.reduce((sum, item) => sum + item.refundedCents, 0),
    packages: order.packages.length,
  };
}

/** One log line per thing that happened on Amazon's side since the last look. */
function narrateChanges(sim: Simulation, marks: Map<string, OrderMark>, logger: Logger): void {
  for (const order of sim.store.orders.values()) {
    const now = markOf(order);
    const before = marks.get(order.orderId);
    marks.set(order.orderId, now);
    const amazonOrderId = order.orderId;
    if (!before) {
      logger.info(
        { amazonOrderId, fulfilledBy: order.fulfilledBy, programs: order.programs },
        'amazon: new order',
      );
      continue;
    }
    if (now.cancelRequested && !before.cancelRequested)
      logger.info({ amazonOrderId }, 'amazon: the buyer asked to cancel');
    if (now.packages > before.packages)
      logger.info({ amazonOrderId }, 'amazon: shipment confirmed by the seller');
    if (now.refundedCents > before.refundedCents) {
      logger.info(
        { amazonOrderId, refunded: formatCents(now.refundedCents - before.refundedCents) },
        'amazon: refund posted',
      );
    }
    if (now.status !== before.status)
      logger.info({ amazonOrderId, from: before.status, to: now.status }, 'amazon: order status changed');
  }
}

function summary(sim: Simulation): Record<string, unknown> {
  const orders = [...sim.store.orders.values()];
  const byStatus: Record<string, number> = {};
  for (const order of orders) byStatus[order.status] = (byStatus[order.status] ?? 0) + 1;
  const sent: Record<string, number> = {};
  for (const request of sim.store.requests) sent[request.operation] = (sent[request.operation] ?? 0) + 1;
  const feeds = [...sim.store.feeds.values()].map((feed) => `${feed.feedType}:${feed.processingStatus}`);
  return { amazonOrders: byStatus, callsFromSellersync: sent, feeds };
}

async function shipOne(
  sim: Simulation,
  app: AppContext,
  company: Company,
  record: RecordShipment,
  logger: Logger,
): Promise<boolean> {
  const candidate = [...sim.store.orders.values()].find(
    (order) =>
      order.status === 'UNSHIPPED' &&
      order.fulfilledBy === 'MERCHANT' &&
      order.items.every((item) => item.buyerCancelReason === undefined && item.sku !== OUT_OF_STOCK_SKU),
  );
  if (!candidate) return false;
  // The warehouse ships what sellersync has downloaded: before the first download there is nothing yet.
  const known = await app.db
    .selectFrom('orders')
    .select('id')
    .where('company_id', '=', company.id)
    .where('amazon_order_id', '=', candidate.orderId)
    .executeTakeFirst();
  if (!known) return false;
  try {
    const now = clockOf(app)();
    await record(
      app.db,
      company.id,
      {
        amazonOrderId: candidate.orderId,
        carrier: 'UPS',
        shippingMethod: 'UPS Ground',
        trackingNumber: `1Z999AA1${candidate.orderId.replace(/-/g, '').slice(-10)}`,
        // No ship date: shipped now, on Amazon's clock.
        shipFrom: DEMO_WAREHOUSE,
        items: candidate.items.map((item) => ({ orderItemId: item.orderItemId, quantity: item.quantity })),
      },
      now,
    );
    logger.info(
      { amazonOrderId: candidate.orderId },
      'demo: warehouse recorded a shipment; the upload job will send it to Amazon',
    );
    return true;
  } catch (err) {
    logger.info(
      { amazonOrderId: candidate.orderId, reason: (err as Error).message },
      'demo: shipment not recorded yet',
    );
    return false;
  }
}

export function observeDemo(
  sim: Simulation,
  app: AppContext,
  company: Company,
  logger: Logger,
): { stop(): void } {
  let shipped = false;
  const marks = new Map<string, OrderMark>();
  const listings = new Map<string, number | null>();
  const cancellations: DemoCancellations = { buyerRequestAnswered: false, noStockCancelled: false };
  const returned: DemoReturn = { rma: null, closed: false };
  let record: RecordShipment | undefined;
  const ready = loadRecordShipment(logger).then((loaded) => {
    record = loaded;
  });
  const tick = async () => {
    await ready;
    sim.now();
    narrateChanges(sim, marks, logger);
    narrateListings(sim, listings, logger);
    logger.info(summary(sim), 'demo: simulated Amazon');
    if (!shipped && record) shipped = await shipOne(sim, app, company, record, logger);
    await playCancellations(app, company, cancellations, logger);
    await playReturn(app, company, returned, logger);
  };
  const summaryTimer = setInterval(() => {
    tick().catch((err: unknown) => logger.error({ err }, 'demo: observer failed'));
  }, SUMMARY_EVERY_MS);
  const settlementTimer = setInterval(() => {
    const reports = closeSettlementPeriods(sim, sim.now());
    logger.info(
      { reports: reports.map((report) => report.reportId) },
      'demo: Amazon closed a settlement period',
    );
  }, SETTLEMENT_EVERY_MS);
  return {
    stop() {
      clearInterval(summaryTimer);
      clearInterval(settlementTimer);
    },
  };
}
