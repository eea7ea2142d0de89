import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '../../test/helpers/context.js';
import { saveCursor } from '../jobs/sync-cursors.repository.js';
import { DAY, MINUTE } from '../simulator/clock.js';
import { ORDERS_STREAM, type OrderCursor } from './download-window.js';
import { placeOrders, runDownload, simulatedSeller, type SimulatedSeller } from './download.test-support.js';

/** Amazon's clock (the simulator's) is pinned; ours is pinned days away from it. */
const AMAZON_START = new Date('2026-11-20T09:00:00Z');

let context: TestContext;
const sellers: SimulatedSeller[] = [];

beforeAll(async () => {
  context = await createTestContext();
});

afterAll(async () => {
  await Promise.all(sellers.map((seller) => seller.server.close()));
  await context.cleanup();
});

async function sellerWithOrders(count: number) {
  const seller = await simulatedSeller(context, { startTime: AMAZON_START });
  sellers.push(seller);
  const ids = placeOrders(
    seller,
    Array.from({ length: count }, () => ({ fulfilledBy: 'MERCHANT' as const, programs: [] })),
  );
  seller.server.sim.advance(40 * MINUTE);
  return { seller, ids };
}

async function storedCount(companyId: number): Promise<number> {
  const rows = await context.db
    .selectFrom('orders')
    .select('id')
    .where('company_id', '=', companyId)
    .execute();
  return rows.length;
}

async function cursorOf(companyId: number): Promise<OrderCursor> {
  const row = await context.db
    .selectFrom('sync_cursors')
    .select('position')
    .where('company_id', '=', companyId)
    .where('stream', '=', ORDERS_STREAM)
    .executeTakeFirstOrThrow();
  return row.position as OrderCursor;
}

describe('the first download with our clock days away from Amazon’s', () => {
  for (const [name, skew] of [
    ['ahead', 10 * DAY],
    ['behind', -4 * DAY],
  ] as const) {
    it(`finds the orders when our clock is ${name}: the backfill starts by Amazon’s clock`, async () => {
      const { seller, ids } = await sellerWithOrders(3);
      const now = () => new Date(seller.server.sim.now().getTime() + skew);

      const counts = await runDownload(context, seller, { now });

      expect(counts).toMatchObject({ inserted: ids.length });
      expect(await storedCount(seller.company.id)).toBe(ids.length);
      const amazonNow = seller.server.sim.now().getTime();
      const committed = Date.parse((await cursorOf(seller.company.id)).committedUntil ?? '');
      expect(committed).toBeLessThanOrEqual(amazonNow - 2 * MINUTE);
      expect(committed).toBeGreaterThan(amazonNow - 5 * MINUTE);
    }, 60_000);
  }
});

describe('a cursor ahead of Amazon’s now', () => {
  it('is repaired, not silently read as an empty window: the orders are found and the run says so', async () => {
    const { seller, ids } = await sellerWithOrders(2);
    const ahead = new Date(seller.server.sim.now().getTime() + 3 * DAY).toISOString();
    await saveCursor(context.db, seller.company.id, ORDERS_STREAM, { committedUntil: ahead });

    const counts = await runDownload(context, seller, { now: () => seller.server.sim.now() });

    expect(counts).toMatchObject({ cursorRepaired: 1, inserted: ids.length });
    const committed = Date.parse((await cursorOf(seller.company.id)).committedUntil ?? '');
    expect(committed).toBeLessThanOrEqual(seller.server.sim.now().getTime() - 2 * MINUTE);
    const warning = context.logs.entries().find((entry) => String(entry.msg).includes('ahead of Amazon'));
    expect(warning).toMatchObject({ level: 40, companyId: seller.company.id, committedUntil: ahead });
  }, 60_000);
});
