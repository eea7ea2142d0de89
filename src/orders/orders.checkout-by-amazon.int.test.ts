import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '../../test/helpers/context.js';
import { updateCompany } from '../companies/companies.service.js';
import { HOUR, MINUTE } from '../simulator/clock.js';
import {
  placeOrders,
  runDownload,
  simulatedSeller,
  storedOrderIds,
  type SimulatedSeller,
} from './download.test-support.js';
import { findOrderWithItems } from './orders.service.js';

/** Amazon's clock (the simulator's) is pinned, and ours follows it. */
const AMAZON_START = new Date('2026-11-20T09:00:00Z');

let context: TestContext;
let seller: SimulatedSeller;

beforeAll(async () => {
  context = await createTestContext();
  seller = await simulatedSeller(context, { startTime: AMAZON_START });
});

afterAll(async () => {
  await seller.server.close();
  await context.cleanup();
});

const download = () => runDownload(context, seller, { now: () => seller.server.sim.now() });

const storedIds = () => storedOrderIds(context.db, seller.company.id);

describe('Checkout by Amazon orders skipped while the company did not import them', () => {
  it('are imported at the next download once the setting is on, though their window has passed', async () => {
    const [amazonOrder, ...checkoutByAmazon] = placeOrders(seller, [
      { fulfilledBy: 'MERCHANT', programs: [] },
      { fulfilledBy: 'MERCHANT', programs: [], channel: 'NON_AMAZON' },
      { fulfilledBy: 'MERCHANT', programs: [], channel: 'NON_AMAZON' },
    ]);
    seller.server.sim.advance(40 * MINUTE);
    expect(await download()).toMatchObject({ inserted: 1, checkoutByAmazonSkipped: 2 });
    expect(await storedIds()).toEqual([amazonOrder]);

    // Hours later, well past the overlap of the next window, the seller turns the setting on.
    seller.server.sim.advance(3 * HOUR);
    seller.company = await updateCompany(context.db, context.config.keyring, seller.company.id, {
      allowCheckoutByAmazonOrders: true,
    });
    const counts = await download();

    expect(counts).toMatchObject({ checkoutByAmazonImported: 2 });
    expect(await storedIds()).toEqual([amazonOrder, ...checkoutByAmazon].sort());
    for (const id of checkoutByAmazon) {
      const found = await findOrderWithItems(context.db, seller.company.id, id ?? '');
      expect(found?.order).toMatchObject({ isCheckoutByAmazon: true, status: 'Unshipped' });
      expect(found?.items.length).toBeGreaterThan(0);
    }

    // Imported once: the next run asks for none of them again.
    seller.server.sim.advance(MINUTE);
    const again = await download();
    expect(again.checkoutByAmazonImported ?? 0).toBe(0);
    expect(await storedIds()).toHaveLength(3);
  }, 60_000);

  it('are not imported while the setting stays off, and are remembered until it is on', async () => {
    seller.company = await updateCompany(context.db, context.config.keyring, seller.company.id, {
      allowCheckoutByAmazonOrders: false,
    });
    const [skipped] = placeOrders(seller, [{ fulfilledBy: 'MERCHANT', programs: [], channel: 'NON_AMAZON' }]);
    seller.server.sim.advance(40 * MINUTE);
    expect(await download()).toMatchObject({ checkoutByAmazonSkipped: 1 });
    seller.server.sim.advance(2 * HOUR);
    const off = await download();
    expect(off.checkoutByAmazonImported ?? 0).toBe(0);
    expect(await storedIds()).not.toContain(skipped);

    seller.company = await updateCompany(context.db, context.config.keyring, seller.company.id, {
      allowCheckoutByAmazonOrders: true,
    });
    expect(await download()).toMatchObject({ checkoutByAmazonImported: 1 });
    expect(await storedIds()).toContain(skipped);
  }, 60_000);
});
