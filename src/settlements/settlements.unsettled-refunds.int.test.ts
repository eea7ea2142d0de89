import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { updateCompany } from '../companies/companies.service.js';
import { startFulfillmentWorld, type FulfillmentWorld } from '../fulfillment/fulfillment.test-support.js';
import { refund, refundsOf, shippedOrders } from '../refunds/refunds.test-support.js';
import { listOpenDiscrepancies } from './discrepancies.repository.js';

/** A refund of ours Amazon accepted that no settlement confirms in time is listed, and cleared once one does. */

const DAY_MS = 86_400_000;
let world: FulfillmentWorld;

beforeAll(async () => {
  world = await startFulfillmentWorld(1415);
  await updateCompany(world.context.db, world.context.config.keyring, world.company.id, {
    settlementReconciliation: true,
  });
});
afterAll(async () => world.close());

/** Runs the reconciliation with the app's clock at `at` (the simulator's stays where it is). */
async function reconcileAt(at: Date) {
  const appClock = world.context.now;
  world.context.now = () => at;
  try {
    return await world.run('settlement-reconciliation');
  } finally {
    world.context.now = appClock;
  }
}

const unsettled = async () =>
  (await listOpenDiscrepancies(world.context.db, world.company.id)).filter(
    (row) => row.kind === 'refund_not_settled',
  );

describe('refund sent but not settled', () => {
  it('is listed once the configured days have passed on the app clock, and resolved when a settlement confirms it', async () => {
    expect(world.context.config.settlements.refundUnsettledDays).toBe(17);
    const [order] = await shippedOrders(world, [{ items: [{ quantity: 1, unitPrice: '20.00' }] }]);
    const requested = await refund(world, {
      amazonOrderId: order!.orderId,
      reason: 'CustomerReturn',
      full: true,
    });
    await world.run('refund-upload');
    await world.finishFeeds();
    const [accepted] = await refundsOf(world, order!.orderId);
    expect(accepted?.state).toBe('accepted');
    const acceptedAt = accepted!.finishedAt!.getTime();

    const early = await reconcileAt(new Date(acceptedAt + 16 * DAY_MS + 23 * 3_600_000));
    expect(early.run?.counts).toMatchObject({ refunds_not_settled: 0 });
    expect(await unsettled()).toEqual([]);

    const late = await reconcileAt(new Date(acceptedAt + 17 * DAY_MS));
    expect(late.run?.counts).toMatchObject({ refunds_not_settled: 1 });
    const [open] = await unsettled();
    expect(open).toMatchObject({
      key: `refund:${requested.refund.id}`,
      amazon_order_id: order!.orderId,
      settlement_pk: null,
      detail: {
        daysSinceAccepted: 17,
        unsettledAmount: '26.5900',
        currency: 'USD',
        problem: `refund ${requested.refund.id} of 26.59 USD accepted 17 days ago is in no settlement yet`,
      },
    });
    // Found again, it is the same discrepancy, not a second one.
    await reconcileAt(new Date(acceptedAt + 18 * DAY_MS));
    expect((await unsettled()).map((row) => row.id)).toEqual([open!.id]);

    await world.control('POST', '/settlements/close', {});
    const settled = await reconcileAt(new Date(acceptedAt + 19 * DAY_MS));
    expect(settled.run?.counts).toMatchObject({ refunds_confirmed: 1, refunds_not_settled: 0 });
    expect(await unsettled()).toEqual([]);
    const resolved = await world.context.db
      .selectFrom('settlement_discrepancies')
      .select('resolved_at')
      .where('id', '=', open!.id)
      .executeTakeFirstOrThrow();
    expect(resolved.resolved_at?.getTime()).toBe(acceptedAt + 19 * DAY_MS);
  });
});
