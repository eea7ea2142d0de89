import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '../../test/helpers/context.js';
import { MINUTE } from '../simulator/clock.js';
import { requestBuyerCancel, touch } from '../simulator/order-actions.js';
import { BuyerCancellationDecisionError, decideBuyerCancellation } from './buyer-cancellation.js';
import { listDownloadProblems } from './download-problems.repository.js';
import {
  placeOrders,
  runDownload,
  simulatedOrders,
  simulatedSeller,
  type SimulatedSeller,
} from './download.test-support.js';
import { findOrderWithItems } from './orders.service.js';

let context: TestContext;
const sellers: SimulatedSeller[] = [];

beforeAll(async () => {
  context = await createTestContext();
});

afterAll(async () => {
  await Promise.all(sellers.map((seller) => seller.server.close()));
  await context.cleanup();
});

async function sellerWithOneOrder() {
  const seller = await simulatedSeller(context);
  sellers.push(seller);
  const [orderId = ''] = placeOrders(seller, [{ fulfilledBy: 'MERCHANT', programs: [] }]);
  seller.server.sim.advance(40 * MINUTE);
  const simOrder = simulatedOrders(seller).find((order) => order.orderId === orderId);
  if (!simOrder) throw new Error('order missing');
  return { seller, orderId, simOrder };
}

describe('a buyer cancellation request', () => {
  it('holds the order until the seller declines it; Amazon’s copies still showing the request do not bring the hold back', async () => {
    const { seller, orderId, simOrder } = await sellerWithOneOrder();
    requestBuyerCancel(simOrder, 'Ordered by mistake', seller.server.sim.now());
    seller.server.sim.advance(3 * MINUTE);
    await runDownload(context, seller);
    const held = await findOrderWithItems(context.db, seller.company.id, orderId);
    expect(held?.order).toMatchObject({ onHold: true, cancelRequestReason: 'Ordered by mistake' });

    const outcome = await decideBuyerCancellation(
      context.db,
      seller.company.id,
      orderId,
      'declined',
      seller.server.sim.now(),
    );
    expect(outcome).toEqual({ state: 'declined', changed: true, onHold: false });
    expect(
      await decideBuyerCancellation(
        context.db,
        seller.company.id,
        orderId,
        'declined',
        seller.server.sim.now(),
      ),
    ).toMatchObject({
      changed: false,
    });
    await expect(
      decideBuyerCancellation(context.db, seller.company.id, orderId, 'accepted', seller.server.sim.now()),
    ).rejects.toThrow(BuyerCancellationDecisionError);

    touch(simOrder, seller.server.sim.now());
    seller.server.sim.advance(3 * MINUTE);
    await runDownload(context, seller);
    const after = await findOrderWithItems(context.db, seller.company.id, orderId);
    expect(after?.order).toMatchObject({ onHold: false, holdReason: null });
    const events = await context.db
      .selectFrom('order_events')
      .innerJoin('orders', 'orders.id', 'order_events.order_id')
      .select(['order_events.kind', 'order_events.detail'])
      .where('orders.company_id', '=', seller.company.id)
      .where('order_events.kind', 'in', ['cancel_requested', 'cancel_request_decided'])
      .orderBy('order_events.id')
      .execute();
    expect(events).toMatchObject([
      { kind: 'cancel_requested' },
      { kind: 'cancel_request_decided', detail: { decision: 'declined', by: 'seller' } },
    ]);
  }, 60_000);

  it('cannot be decided for an order without an open request', async () => {
    const { seller, orderId } = await sellerWithOneOrder();
    await runDownload(context, seller);
    await expect(
      decideBuyerCancellation(context.db, seller.company.id, orderId, 'accepted', seller.server.sim.now()),
    ).rejects.toThrow(/hold is none; it cannot become accepted/);
    await expect(
      decideBuyerCancellation(
        context.db,
        seller.company.id,
        '999-0000000-0000000',
        'declined',
        seller.server.sim.now(),
      ),
    ).rejects.toThrow(/not stored/);
  }, 60_000);
});

describe('a copy moving the order back (Shipped → Unshipped)', () => {
  it('is not applied: the order stays Shipped and the copy is recorded as a download problem', async () => {
    const { seller, orderId, simOrder } = await sellerWithOneOrder();
    simOrder.status = 'SHIPPED';
    touch(simOrder, seller.server.sim.now());
    seller.server.sim.advance(3 * MINUTE);
    await runDownload(context, seller);
    simOrder.status = 'UNSHIPPED';
    touch(simOrder, seller.server.sim.now());
    seller.server.sim.advance(3 * MINUTE);

    const counts = await runDownload(context, seller);

    expect(counts).toMatchObject({ refused: 1 });
    const stored = await findOrderWithItems(context.db, seller.company.id, orderId);
    expect(stored?.order.status).toBe('Shipped');
    const problems = await listDownloadProblems(context.db, {
      companyId: seller.company.id,
      includeResolved: false,
    });
    expect(problems).toEqual([
      expect.objectContaining({
        amazonOrderId: orderId,
        problem: expect.stringMatching(/status Shipped → Unshipped .* is a move Amazon never makes/),
      }),
    ]);
  }, 60_000);
});
