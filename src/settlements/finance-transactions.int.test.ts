import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { updateCompany } from '../companies/companies.service.js';
import { startFulfillmentWorld, type FulfillmentWorld } from '../fulfillment/fulfillment.test-support.js';
import { storedPaymentStatus } from '../refunds/payment-status.refresh.js';
import { refundableOf } from '../refunds/refunds.service.js';
import { refund, refundsOf, shippedOrders } from '../refunds/refunds.test-support.js';
import { orderPnl, withSettlementTimeline } from './settlements.queries.js';

/** The Finances API read for orders with open questions: refunds seen days before their settlement, never twice. */

let world: FulfillmentWorld;

beforeAll(async () => {
  world = await startFulfillmentWorld(1417);
  await updateCompany(world.context.db, world.context.config.keyring, world.company.id, {
    settlementReconciliation: true,
  });
});
afterAll(async () => world.close());

const transactions = () =>
  world.context.db
    .selectFrom('finance_transactions')
    .selectAll()
    .where('company_id', '=', world.company.id)
    .orderBy('amazon_order_id')
    .orderBy('transaction_type')
    .execute();

async function listTransactionsCalls(): Promise<number> {
  const { requests } = await world.control<{ requests: { operation: string }[] }>('GET', '/requests');
  return requests.filter((request) => request.operation === 'listTransactions').length;
}

describe('Finances API listTransactions', () => {
  it('records an Amazon refund and ours before the settlement, and the settlement confirms them without doubling', async () => {
    const [amazonRefunded, sellerRefunded] = await shippedOrders(world, [
      { items: [{ quantity: 1, unitPrice: '30.00' }] },
      { items: [{ quantity: 1, unitPrice: '20.00' }] },
    ]);
    await world.control('POST', `/orders/${amazonRefunded!.orderId}/refund`);
    const ours = await refund(world, {
      amazonOrderId: sellerRefunded!.orderId,
      reason: 'CustomerReturn',
      full: true,
    });
    await world.run('refund-upload');
    await world.finishFeeds();
    expect((await refundsOf(world, sellerRefunded!.orderId))[0]?.state).toBe('accepted');
    await world.advance(10);

    const first = await world.run('settlement-reconciliation');
    expect(first.status).toBe('succeeded');
    expect(first.run?.counts).toMatchObject({
      reports_ingested: 0,
      finance_transactions: 4,
      finance_refunds: 2,
    });
    const reported = await transactions();
    expect(
      reported.map((row) => [
        row.amazon_order_id,
        row.transaction_type,
        row.transaction_status,
        row.initiated_by,
      ]),
    ).toEqual(
      [
        [amazonRefunded!.orderId, 'Refund', 'RELEASED', 'amazon'],
        [amazonRefunded!.orderId, 'Shipment', 'DEFERRED', null],
        [sellerRefunded!.orderId, 'Refund', 'RELEASED', 'seller'],
        [sellerRefunded!.orderId, 'Shipment', 'DEFERRED', null],
      ].sort((a, b) => String(a[0]).localeCompare(String(b[0]))),
    );
    const amazonRefund = reported.find((row) => row.initiated_by === 'amazon');
    expect(amazonRefund).toMatchObject({ given_back: '37.3900', currency: 'USD', settlement_id: null });
    expect(reported.find((row) => row.initiated_by === 'seller')?.matched_refund_id).toBe(ours.refund.id);
    expect(reported.find((row) => row.transaction_type === 'Shipment')?.maturity_at).not.toBeNull();

    // Days before the settlement: the order's P&L and timeline show the refund Amazon reported.
    const early = await orderPnl(world.context.db, world.company.id, amazonRefunded!.orderId);
    expect(early.settlements).toEqual([]);
    expect(early.notSettledYet).toContainEqual(
      expect.objectContaining({ transactionType: 'Refund', initiatedBy: 'amazon', givenBack: '37.3900' }),
    );
    const timeline = await withSettlementTimeline(
      world.context.db,
      world.company.id,
      amazonRefunded!.orderId,
      [],
    );
    expect(timeline).toContainEqual(
      expect.objectContaining({
        kind: 'finance_transaction',
        source: 'finances:listTransactions',
        detail: expect.objectContaining({
          transactionType: 'Refund',
          initiatedBy: 'amazon',
          settledIn: null,
        }),
      }),
    );

    // ... and its payment status counts it: refunded in full, with nothing left to refund.
    expect(await storedPaymentStatus(world.context.db, world.company.id, amazonRefunded!.orderId)).toBe(
      'refunded',
    );
    expect(await refundableOf(world.context.db, world.company.id, amazonRefunded!.orderId)).toMatchObject({
      refunded: '37.39',
      left: '0.00',
    });

    // Read again (the window reaches back over Amazon's late postings): the same rows, not doubled.
    const callsBefore = await listTransactionsCalls();
    const again = await world.run('settlement-reconciliation');
    expect(again.run?.counts).toMatchObject({ finance_pages: 1 });
    expect(await listTransactionsCalls()).toBe(callsBefore + 1);
    expect((await transactions()).map((row) => row.transaction_id)).toEqual(
      reported.map((row) => row.transaction_id),
    );

    await world.control('POST', '/settlements/close', {});
    const settled = await world.run('settlement-reconciliation');
    expect(settled.run?.counts).toMatchObject({
      reports_ingested: 1,
      amazon_refunds: 1,
      refunds_confirmed: 1,
    });
    const confirmed = await transactions();
    expect(confirmed).toHaveLength(4);
    expect(new Set(confirmed.map((row) => row.settlement_id)).size).toBe(1);
    expect(confirmed[0]?.settlement_id).not.toBeNull();
    const pnl = await orderPnl(world.context.db, world.company.id, amazonRefunded!.orderId);
    expect(pnl.notSettledYet).toEqual([]);
    expect(pnl.refunds).toHaveLength(1);
    expect(pnl.refunds[0]).toMatchObject({ initiatedBy: 'amazon', principal: '-30.0000' });
    // Settled, the refund counts once: from the settlement, no longer from the Finances report.
    expect(await refundableOf(world.context.db, world.company.id, amazonRefunded!.orderId)).toMatchObject({
      refunded: '37.39',
      left: '0.00',
    });
    expect(await storedPaymentStatus(world.context.db, world.company.id, amazonRefunded!.orderId)).toBe(
      'refunded',
    );
  });
});
