import { sql } from 'kysely';
import type { Db } from '../../src/db/client.js';
import { ABANDONED } from '../../src/jobs/job-runs.repository.js';
import type { SimOrder } from '../../src/simulator/model.js';
import type { Simulation } from '../../src/simulator/simulation.js';
import type { CursorRegression } from './cursor-watch.js';
import { checkSettlements } from './settlements-check.js';

/** What the invariant check reads: Postgres, the simulator's state, the daemons' logs. */
export interface InvariantInput {
  db: Db;
  sim: Simulation;
  companies: { id: number; sellerId: string; secrets: string[] }[];
  logs: { name: string; text: string }[];
  /** Other secrets no log line may hold (the encryption key, the admin token). */
  secrets: string[];
  cursorRegressions: CursorRegression[];
  /** JOB_LEASE_MS of the daemons. */
  leaseMs: number;
  /**
   * How long to wait before a `running` run without a live lease counts as left behind (default: the
   * lease); a daemon closes such a run at its next schedule reconcile.
   */
  abandonedAfterMs?: number;
}

export interface Violation {
  invariant:
    'orders' | 'shipments' | 'cancellations' | 'refunds' | 'settlements' | 'cursors' | 'runs' | 'logs';
  detail: string;
}

export interface InvariantReport {
  violations: Violation[];
  /** Entities sent to Amazon and not finished yet (visibly pending): not a violation. */
  pending: { shipments: number; cancellations: number; refunds: number };
  counts: { orders: number; shipments: number; cancellations: number; refunds: number; settlements: number };
}

const STATUS: Record<SimOrder['status'], string> = {
  PENDING: 'Pending',
  UNSHIPPED: 'Unshipped',
  PARTIALLY_SHIPPED: 'PartiallyShipped',
  SHIPPED: 'Shipped',
  CANCELLED: 'Canceled',
};

const seconds = (date: Date) => Math.floor(date.getTime() / 1000);

/** The messages of the feeds of a type Amazon may have applied (neither FATAL nor cancelled), per seller. */
function liveMessages(sim: Simulation, sellerId: string, feedType: string): string[] {
  return [...sim.store.feeds.values()]
    .filter(
      (feed) =>
        feed.sellerId === sellerId &&
        feed.feedType === feedType &&
        feed.processingStatus !== 'FATAL' &&
        feed.processingStatus !== 'CANCELLED',
    )
    .flatMap((feed) => feed.content.split('<Message>').slice(1));
}

const tag = (message: string, name: string) =>
  [...message.matchAll(new RegExp(`<${name}>([^<]*)</${name}>`, 'g'))].map((match) => match[1] ?? '');

async function checkOrders(input: InvariantInput, companyId: number, sellerId: string, out: Violation[]) {
  const expected = input.sim.store.ordersOf(sellerId).filter((order) => order.channel === 'AMAZON');
  const rows = await input.db
    .selectFrom('orders')
    .select(['amazon_order_id', 'last_updated_at', 'status'])
    .where('company_id', '=', companyId)
    .execute();
  const stored = new Map<string, (typeof rows)[number][]>();
  for (const row of rows) stored.set(row.amazon_order_id, [...(stored.get(row.amazon_order_id) ?? []), row]);
  for (const order of expected) {
    const copies = stored.get(order.orderId) ?? [];
    if (copies.length !== 1) {
      out.push({ invariant: 'orders', detail: `${order.orderId} stored ${copies.length} times` });
      continue;
    }
    const [copy] = copies;
    if (copy && seconds(copy.last_updated_at) !== seconds(order.lastUpdatedTime))
      out.push({
        invariant: 'orders',
        detail: `${order.orderId} stored at version ${copy.last_updated_at.toISOString()}, Amazon's is ${order.lastUpdatedTime.toISOString()}`,
      });
    else if (copy && copy.status !== STATUS[order.status])
      out.push({
        invariant: 'orders',
        detail: `${order.orderId} stored ${copy.status}, Amazon says ${order.status}`,
      });
  }
  const known = new Set(expected.map((order) => order.orderId));
  for (const id of stored.keys())
    if (!known.has(id)) out.push({ invariant: 'orders', detail: `${id} stored but not on Amazon` });
  return expected.length;
}

async function checkShipments(input: InvariantInput, companyId: number, sellerId: string, out: Violation[]) {
  const shipments = await input.db
    .selectFrom('shipments')
    .select(['id', 'amazon_order_id', 'tracking_number', 'state'])
    .where('company_id', '=', companyId)
    .execute();
  const messages = liveMessages(input.sim, sellerId, 'POST_ORDER_FULFILLMENT_DATA');
  let pending = 0;
  for (const shipment of shipments) {
    const sent = messages.filter((m) => tag(m, 'MerchantFulfillmentID').includes(String(shipment.id))).length;
    const packages =
      input.sim.store.orders
        .get(shipment.amazon_order_id)
        ?.packages.filter((p) => p.trackingNumber === shipment.tracking_number).length ?? 0;
    const what = `shipment ${shipment.id} (${shipment.amazon_order_id}, ${shipment.state})`;
    if (sent > 1) out.push({ invariant: 'shipments', detail: `${what} sent ${sent} times` });
    if (packages > 1) out.push({ invariant: 'shipments', detail: `${what}: ${packages} packages on Amazon` });
    if (shipment.state === 'confirmed' && packages !== 1)
      out.push({ invariant: 'shipments', detail: `${what}: confirmed, ${packages} packages on Amazon` });
    if ((shipment.state === 'confirmed' || shipment.state === 'rejected') && sent !== 1)
      out.push({ invariant: 'shipments', detail: `${what}: ${shipment.state}, sent ${sent} times` });
    if (shipment.state === 'pending_upload' || shipment.state === 'uploading') pending += 1;
  }
  return { count: shipments.length, pending };
}

async function checkCancellations(
  input: InvariantInput,
  companyId: number,
  sellerId: string,
  out: Violation[],
) {
  const cancellations = await input.db
    .selectFrom('cancellations')
    .select(['id', 'amazon_order_id', 'state'])
    .where('company_id', '=', companyId)
    .execute();
  const messages = liveMessages(input.sim, sellerId, 'POST_ORDER_ACKNOWLEDGEMENT_DATA').filter((m) =>
    tag(m, 'StatusCode').includes('Failure'),
  );
  let pending = 0;
  const byOrder = new Map<string, typeof cancellations>();
  for (const c of cancellations)
    byOrder.set(c.amazon_order_id, [...(byOrder.get(c.amazon_order_id) ?? []), c]);
  for (const [orderId, ours] of byOrder) {
    const sent = messages.filter((m) => tag(m, 'AmazonOrderID').includes(orderId)).length;
    const states = ours.map((c) => c.state).join(',');
    if (sent > ours.length)
      out.push({
        invariant: 'cancellations',
        detail: `${orderId} (${states}): ${sent} cancellation messages sent`,
      });
    const accepted = ours.filter((c) => c.state === 'accepted').length;
    if (accepted > 0 && sent < accepted)
      out.push({
        invariant: 'cancellations',
        detail: `${orderId} (${states}): accepted, ${sent} messages sent`,
      });
    const order = input.sim.store.orders.get(orderId);
    const cancelledBySeller = order?.items.some((item) => item.cancelledBy === 'MERCHANT') ?? false;
    if (accepted > 0 && !cancelledBySeller)
      out.push({ invariant: 'cancellations', detail: `${orderId}: accepted here, not cancelled on Amazon` });
    pending += ours.filter((c) => c.state === 'requested' || c.state === 'in_feed').length;
  }
  return { count: cancellations.length, pending };
}

async function checkRefunds(input: InvariantInput, companyId: number, sellerId: string, out: Violation[]) {
  const items = await input.db
    .selectFrom('refund_items')
    .innerJoin('refunds', 'refunds.id', 'refund_items.refund_id')
    .select([
      'refunds.id',
      'refunds.amazon_order_id',
      'refunds.state',
      'refund_items.merchant_adjustment_item_id',
    ])
    .where('refunds.company_id', '=', companyId)
    .where('refunds.initiated_by', '=', 'seller')
    .execute();
  const messages = liveMessages(input.sim, sellerId, 'POST_PAYMENT_ADJUSTMENT_DATA');
  for (const item of items) {
    const sent = messages.filter((m) =>
      tag(m, 'MerchantAdjustmentItemID').includes(item.merchant_adjustment_item_id),
    ).length;
    const what = `refund ${item.id} line ${item.merchant_adjustment_item_id} (${item.amazon_order_id}, ${item.state})`;
    if (sent > 1) out.push({ invariant: 'refunds', detail: `${what} sent ${sent} times` });
    if ((item.state === 'accepted' || item.state === 'rejected') && sent !== 1)
      out.push({ invariant: 'refunds', detail: `${what}: sent ${sent} times` });
  }
  // What Amazon refunded per line against what we recorded as accepted, give or take what is still in
  // flight: a refund in a feed whose answer has not come back may already be applied at Amazon.
  const linesIn = async (states: ('accepted' | 'requested' | 'in_feed')[]) => {
    const rows = await input.db
      .selectFrom('refund_lines')
      .innerJoin('refunds', 'refunds.id', 'refund_lines.refund_id')
      .innerJoin('order_items', 'order_items.id', 'refund_lines.order_item_row_id')
      .select([
        'refunds.amazon_order_id',
        'order_items.order_item_id',
        sql<string>`sum(refund_lines.amount)`.as('total'),
      ])
      .where('refunds.company_id', '=', companyId)
      .where('refunds.state', 'in', states)
      .groupBy(['refunds.amazon_order_id', 'order_items.order_item_id'])
      .execute();
    return new Map(
      rows.map((row) => [`${row.amazon_order_id}/${row.order_item_id}`, Math.round(Number(row.total) * 100)]),
    );
  };
  const ours = await linesIn(['accepted']);
  const inFlight = await linesIn(['requested', 'in_feed']);
  for (const order of input.sim.store.ordersOf(sellerId))
    for (const item of order.items) {
      const key = `${order.orderId}/${item.orderItemId}`;
      const accepted = ours.get(key) ?? 0;
      if (item.refundedCents < accepted || item.refundedCents > accepted + (inFlight.get(key) ?? 0))
        out.push({
          invariant: 'refunds',
          detail: `${key}: Amazon refunded ${item.refundedCents} cents, accepted here ${accepted}, in flight ${inFlight.get(key) ?? 0}`,
        });
    }
  const refunds = new Set(items.map((item) => item.id));
  const pending = new Set(
    items.filter((i) => i.state === 'requested' || i.state === 'in_feed').map((i) => i.id),
  );
  return { count: refunds.size, pending: pending.size };
}

/** Runs `running` whose (kind, company) lease is not held: their process is gone or lost the lease. */
async function runsWithoutLease(db: Db): Promise<{ id: number; kind: string; company_id: number }[]> {
  const result = await sql<{ id: number; kind: string; company_id: number }>`
    SELECT r.id, r.kind, r.company_id FROM job_runs r
     WHERE r.status = 'running'
       AND NOT EXISTS (SELECT 1 FROM job_leases l
                        WHERE l.kind = r.kind AND l.company_id = r.company_id AND l.expires_at > now())`.execute(
    db,
  );
  return result.rows;
}

/**
 * Two runs of one (kind, company) that were both under way at the same moment (skipped ones never run).
 * The earlier one is not counted when it ended because it lost its lease (closed as abandoned by the
 * next holder, or recording its own end afterwards: `lease lost: …`): from the lapse on every write of it
 * was refused by the lease fence, so the two never both wrote.
 */
async function overlappingRuns(db: Db, out: Violation[]) {
  const result = await sql<{ a: number; b: number; kind: string; company_id: number }>`
    SELECT a.id AS a, b.id AS b, a.kind, a.company_id FROM job_runs a
      JOIN job_runs b ON b.kind = a.kind AND b.company_id = a.company_id AND b.id > a.id
     WHERE a.status <> 'skipped' AND b.status <> 'skipped'
       AND b.started_at < coalesce(a.finished_at, 'infinity')
       AND a.started_at < coalesce(b.finished_at, 'infinity')
       AND a.error IS DISTINCT FROM ${ABANDONED}
       AND coalesce(a.error, '') NOT LIKE 'lease lost:%'`.execute(db);
  for (const row of result.rows)
    out.push({
      invariant: 'runs',
      detail: `runs ${row.a} and ${row.b} of ${row.kind} for company ${row.company_id} overlapped`,
    });
}

async function checkRuns(input: InvariantInput, out: Violation[]) {
  await overlappingRuns(input.db, out);
  const suspects = await runsWithoutLease(input.db);
  if (suspects.length === 0) return;
  await new Promise((resolve) => setTimeout(resolve, input.abandonedAfterMs ?? input.leaseMs));
  const still = new Set((await runsWithoutLease(input.db)).map((run) => run.id));
  for (const run of suspects)
    if (still.has(run.id))
      out.push({
        invariant: 'runs',
        detail: `run ${run.id} (${run.kind}, company ${run.company_id}) still running without a lease for over ${input.abandonedAfterMs ?? input.leaseMs} ms`,
      });
}

/** Buyer data the simulator generated for the sellers' orders: no log line may hold any of it. */
function buyerData(sim: Simulation, sellerIds: string[]): string[] {
  return sellerIds.flatMap((sellerId) =>
    sim.store
      .ordersOf(sellerId)
      .flatMap((order) => [
        order.buyer.name,
        order.buyer.email,
        order.address.name,
        order.address.addressLine1,
        order.address.phone,
        ...(order.buyer.companyName ? [order.buyer.companyName] : []),
      ]),
  );
}

function checkLogs(input: InvariantInput, out: Violation[]) {
  const sellerIds = input.companies.map((c) => c.sellerId);
  const accessTokens = [...input.sim.store.accessTokens.keys()];
  const needles = [
    ...input.secrets.map((value) => ({ what: 'a secret', value })),
    ...input.companies.flatMap((c) => c.secrets.map((value) => ({ what: 'a company credential', value }))),
    ...accessTokens.map((value) => ({ what: 'an LWA access token', value })),
    ...buyerData(input.sim, sellerIds).map((value) => ({ what: 'buyer data', value })),
  ].filter((needle) => needle.value.length >= 6);
  for (const log of input.logs) {
    const lines = log.text.split('\n');
    for (const needle of needles) {
      const line = lines.findIndex((text) => text.includes(needle.value));
      if (line >= 0)
        out.push({
          invariant: 'logs',
          detail: `${log.name} line ${line + 1} holds ${needle.what} (${needle.value.slice(0, 3)}…)`,
        });
    }
  }
}

/**
 * The campaign's invariants, read from outside after a fault: every order Amazon has is stored exactly
 * once at its latest version; every shipment, cancellation and refund reached Amazon at most once and
 * exactly once when it is settled here (or is visibly pending); every settlement Amazon closed is stored
 * once with each of its rows once (for companies that reconcile settlements); committed cursors never moved back; no
 * run stays `running` without a lease for longer than the lease, and no two runs of a (kind, company)
 * overlapped; no log line holds a secret or buyer data.
 */
export async function checkInvariants(input: InvariantInput): Promise<InvariantReport> {
  const violations: Violation[] = [];
  const counts = { orders: 0, shipments: 0, cancellations: 0, refunds: 0, settlements: 0 };
  const pending = { shipments: 0, cancellations: 0, refunds: 0 };
  input.sim.now(); // lets everything due on Amazon's side happen first
  for (const { id, sellerId } of input.companies) {
    counts.orders += await checkOrders(input, id, sellerId, violations);
    const shipments = await checkShipments(input, id, sellerId, violations);
    const cancellations = await checkCancellations(input, id, sellerId, violations);
    const refunds = await checkRefunds(input, id, sellerId, violations);
    counts.settlements += await checkSettlements(input.db, input.sim, id, sellerId, (detail) =>
      violations.push({ invariant: 'settlements', detail }),
    );
    counts.shipments += shipments.count;
    pending.shipments += shipments.pending;
    counts.cancellations += cancellations.count;
    pending.cancellations += cancellations.pending;
    counts.refunds += refunds.count;
    pending.refunds += refunds.pending;
  }
  for (const regression of input.cursorRegressions)
    violations.push({
      invariant: 'cursors',
      detail: `company ${regression.companyId} ${regression.stream}.${regression.field} moved back from ${regression.from} to ${regression.to}`,
    });
  checkLogs(input, violations);
  await checkRuns(input, violations);
  return { violations, pending, counts };
}
