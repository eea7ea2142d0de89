import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MINUTE } from '../simulator/clock.js';
import { createTestContext, type TestContext } from '../../test/helpers/context.js';
import {
  placeOrders,
  runDownload,
  simulatedOrders,
  simulatedSeller,
  TEST_ORDER_SETTINGS,
  type SimulatedSeller,
} from './download.test-support.js';
import { needsBuyerData } from './order-draft.js';
import { findOrderWithItems } from './orders.service.js';

/** The simulator runs 60 times faster than the wall clock: its 2-minute report takes 2 seconds. */
const TIME_SCALE = 60;

let context: TestContext;
const sellers: SimulatedSeller[] = [];

beforeAll(async () => {
  context = await createTestContext();
});

afterAll(async () => {
  await Promise.all(sellers.map((seller) => seller.server.close()));
  await context.cleanup();
});

/** A peak: 3,600 Amazon-fulfilled and 400 seller-fulfilled orders over 8 simulated hours. */
async function sellerWithBacklog(): Promise<SimulatedSeller> {
  const seller = await simulatedSeller(context, { timeScale: TIME_SCALE });
  sellers.push(seller);
  for (let batch = 0; batch < 80; batch++) {
    placeOrders(seller, [
      ...Array.from({ length: 45 }, () => ({ fulfilledBy: 'AMAZON' as const, programs: [] })),
      ...Array.from({ length: 5 }, () => ({ fulfilledBy: 'MERCHANT' as const, programs: ['PRIME'] })),
    ]);
    seller.server.sim.advance(6 * MINUTE);
  }
  seller.server.sim.advance(60 * MINUTE);
  return seller;
}

/** Runs on the simulator's clock, sleeping in simulator time. */
function onSimulatorTime(seller: SimulatedSeller, settings: Partial<typeof TEST_ORDER_SETTINGS> = {}) {
  const sim = seller.server.sim;
  return {
    now: () => sim.clock.now(),
    sleep: (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms / TIME_SCALE)),
    settings: { ...TEST_ORDER_SETTINGS, reportExpectedSeconds: 120, ...settings },
  };
}

/** Every order updated before the committed position is stored with that update; nothing else is invented. */
async function expectEverythingStored(seller: SimulatedSeller) {
  const cursor = await context.db
    .selectFrom('sync_cursors')
    .select('position')
    .where('company_id', '=', seller.company.id)
    .executeTakeFirstOrThrow();
  const committedUntil = Date.parse((cursor.position as { committedUntil: string }).committedUntil);
  const stored = await context.db
    .selectFrom('orders')
    .select(['amazon_order_id', 'last_updated_at'])
    .where('company_id', '=', seller.company.id)
    .execute();
  const storedById = new Map(stored.map((o) => [o.amazon_order_id, o.last_updated_at.getTime()]));
  const all = simulatedOrders(seller);
  const covered = all.filter((o) => o.lastUpdatedTime.getTime() < committedUntil);
  expect(covered.length).toBeGreaterThan(3_500);
  const missing = covered.filter(
    (o) => (storedById.get(o.orderId) ?? 0) < Math.floor(o.lastUpdatedTime.getTime() / 1000) * 1000,
  );
  expect(missing.map((o) => o.orderId)).toEqual([]);
  const known = new Set(all.map((o) => o.orderId));
  expect(stored.filter((o) => !known.has(o.amazon_order_id))).toEqual([]);
}

/** After a fallback, searchOrders stored the whole window and closed it. */
async function expectWindowDoneByFallback(seller: SimulatedSeller) {
  await expectEverythingStored(seller);
  const cursor = await context.db
    .selectFrom('sync_cursors')
    .select('position')
    .where('company_id', '=', seller.company.id)
    .executeTakeFirstOrThrow();
  expect((cursor.position as { window?: unknown }).window).toBeUndefined();
}

describe('a large backlog', () => {
  it('is read from the all-orders report, with buyer data fetched only for the orders still to ship', async () => {
    const seller = await sellerWithBacklog();
    const counts = await runDownload(context, seller, onSimulatorTime(seller));
    expect(counts).toMatchObject({ plan_report: 1 });
    expect(counts.reportOrders).toBeGreaterThan(3_900);
    await expectEverythingStored(seller);

    const sent = seller.server.sim.store.requests;
    expect(sent.filter((r) => r.operation === 'createReport')).toHaveLength(1);
    const reportAt = sent.findIndex((r) => r.operation === 'createReport');
    const searchesBefore = sent.slice(0, reportAt).filter((r) => r.operation === 'searchOrders');
    const searchesAfter = sent.slice(reportAt).filter((r) => r.operation === 'searchOrders');
    // A few pages show the backlog is large; the report is asked for well before the burst runs out.
    expect(searchesBefore.length).toBeLessThan(10);
    // After the report, only seller-fulfilled orders still to ship, up to the end Amazon set.
    expect(searchesAfter.length).toBeGreaterThan(0);
    for (const search of searchesAfter) {
      expect(search.query).toMatchObject({
        fulfilledBy: 'MERCHANT',
        fulfillmentStatuses: 'UNSHIPPED,PARTIALLY_SHIPPED',
      });
      expect(search.query.lastUpdatedBefore).toBeDefined();
    }
    expect(sent.filter((r) => r.status === 429)).toHaveLength(0);

    const rows = await context.db
      .selectFrom('orders')
      .selectAll()
      .where('company_id', '=', seller.company.id)
      .execute();
    const toShip = rows.filter((row) =>
      needsBuyerData({ fulfillmentChannel: row.fulfillment_channel, status: row.status }),
    );
    expect(toShip.length).toBeGreaterThan(0);
    for (const row of toShip) {
      expect(row.buyer_enc).toMatch(/^v2\./);
      expect(row.latest_ship_date).not.toBeNull();
    }
    const fba = rows.filter((row) => row.fulfillment_channel === 'AFN');
    expect(fba.every((row) => row.buyer_enc === null)).toBe(true);
    const sample = await findOrderWithItems(context.db, seller.company.id, fba[0]?.amazon_order_id ?? '');
    expect(sample?.items[0]?.quantityOrdered).toBeGreaterThan(0);
    expect(sample?.order.firstSeenSource).toMatch(/^(report:|searchOrders:)/);
  }, 120_000);

  it('falls back to searchOrders when the report stays queued past the timeout', async () => {
    const seller = await sellerWithBacklog();
    seller.server.sim.faults.addSticky('report-stuck', 1);
    // A generous usage plan for this seller, so the fallback's pages do not wait out Amazon's default one.
    seller.server.sim.limiter.override('searchOrders', { rate: 5, burst: 20 });
    const counts = await runDownload(
      context,
      seller,
      onSimulatorTime(seller, { reportQueueTimeoutMinutes: 3 }),
    );
    expect(counts).toMatchObject({ plan_report: 1, reportFallbacks: 1 });
    const sent = seller.server.sim.store.requests;
    expect(sent.filter((r) => r.operation === 'cancelReport').map((r) => r.status)).toEqual([200]);
    await expectWindowDoneByFallback(seller);
  }, 120_000);

  it('falls back to searchOrders when the report stays in progress past the limit', async () => {
    const seller = await sellerWithBacklog();
    // Amazon takes the report up but does not finish it within the ten hours.
    seller.server.sim.settings.reportProcessingMs = 10 * 60 * MINUTE;
    seller.server.sim.limiter.override('searchOrders', { rate: 5, burst: 20 });
    const counts = await runDownload(
      context,
      seller,
      onSimulatorTime(seller, { reportProcessingTimeoutMinutes: 6 }),
    );
    expect(counts).toMatchObject({ plan_report: 1, reportFallbacks: 1 });
    const sent = seller.server.sim.store.requests;
    const reportId = [...seller.server.sim.store.reports.values()][0]?.reportId;
    expect(seller.server.sim.store.reports.get(reportId ?? '')?.processingStatus).toBe('IN_PROGRESS');
    expect(sent.filter((r) => r.operation === 'getReportDocument')).toHaveLength(0);
    await expectWindowDoneByFallback(seller);
  }, 120_000);
});
