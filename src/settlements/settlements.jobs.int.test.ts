import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { updateCompany } from '../companies/companies.service.js';
import { startFulfillmentWorld, type FulfillmentWorld } from '../fulfillment/fulfillment.test-support.js';
import { isJobAllowed } from '../jobs/kinds.js';

/** Settlement reconciliation against the simulator: Amazon closes settlements, the job finds and ingests them. */

let world: FulfillmentWorld;

beforeAll(async () => {
  world = await startFulfillmentWorld(1414);
});
afterAll(async () => world.close());

async function settlements() {
  return world.context.db
    .selectFrom('settlements')
    .selectAll()
    .where('company_id', '=', world.company.id)
    .orderBy('id')
    .execute();
}

describe('settlement-reconciliation', () => {
  it('runs only while the company has it on', async () => {
    expect(isJobAllowed(world.company, 'settlement-reconciliation')).toBe(false);
    const skipped = await world.run('settlement-reconciliation');
    expect(skipped.status).toBe('skipped');
    const company = await updateCompany(world.context.db, world.context.config.keyring, world.company.id, {
      settlementReconciliation: true,
    });
    expect(isJobAllowed(company, 'settlement-reconciliation')).toBe(true);
  });

  it('ingests a closed settlement listed twice once, with its reserve, and never downloads it again', async () => {
    const order = await world.createOrder({
      fulfilledBy: 'AMAZON',
      items: [{ unitPrice: '40.00', quantity: 1 }],
    });
    await world.advance(24 * 60);
    await world.control('POST', `/orders/${order.orderId}/refund`);
    const closed = await world.control<{ reports: { reportId: string }[] }>('POST', '/settlements/close', {
      reserveCents: 1500,
      listTwice: true,
    });
    expect(closed.reports).toHaveLength(2);

    const run = await world.run('settlement-reconciliation');
    expect(run).toMatchObject({
      status: 'succeeded',
      run: {
        counts: {
          reports_listed: 2,
          reports_ingested: 2,
          amazon_refunds: 1,
          fee_anomalies: 0,
          orders_fetched: 1,
        },
      },
    });
    const [settlement, ...others] = await settlements();
    expect(others).toEqual([]);
    expect(settlement).toMatchObject({
      state: 'complete',
      adds_up: true,
      currency: 'USD',
      reserve_current: '-15.0000',
    });
    const lines = await world.context.db
      .selectFrom('settlement_lines')
      .select(['transaction_type', 'amount_description', 'order_id'])
      .where('settlement_pk', '=', settlement?.id ?? 0)
      .execute();
    expect(
      lines.filter((line) => line.order_id === order.orderId).map((line) => line.transaction_type),
    ).toContain('Refund');
    const [refund] = await world.context.db.selectFrom('settlement_refunds').selectAll().execute();
    expect(refund).toMatchObject({
      amazon_order_id: order.orderId,
      initiated_by: 'amazon',
      principal: '-40.0000',
    });
    expect(refund?.admin_fee).toBe(refund?.expected_admin_fee);
    // The order was never downloaded: the settlement named it, so it was fetched with getOrder and stored.
    const stored = await world.context.db
      .selectFrom('orders')
      .select(['amazon_order_id', 'first_seen_source'])
      .where('amazon_order_id', '=', order.orderId)
      .executeTakeFirst();
    expect(stored?.first_seen_source).toBe(`getOrder(settlement):${settlement?.settlement_id}`);
    const reports = await world.context.db.selectFrom('settlement_reports').selectAll().execute();
    expect(reports.map((report) => report.settlement_pk)).toEqual([settlement?.id, settlement?.id]);

    const again = await world.run('settlement-reconciliation');
    expect(again).toMatchObject({ status: 'succeeded' });
    const { requests } = await world.control<{ requests: { operation: string }[] }>('GET', '/requests');
    expect(requests.filter((request) => request.operation === 'getReportDocument')).toHaveLength(2);
    expect(requests.filter((request) => request.operation === 'createReport')).toEqual([]);
  });

  it('flags the next settlement when its reserve line is missing, and shows the reserve given back', async () => {
    await world.control('POST', '/settlements/close', { reserveCents: 700, omitReserveLine: true });
    const run = await world.run('settlement-reconciliation');
    expect(run.status).toBe('succeeded');
    const latest = (await settlements()).at(-1);
    expect(latest).toMatchObject({ adds_up: false, reserve_previous: '15.0000', reserve_current: null });
    const flagged = await world.context.db
      .selectFrom('settlement_discrepancies')
      .select(['kind', 'key'])
      .where('resolved_at', 'is', null)
      .execute();
    expect(flagged).toEqual([{ kind: 'settlement_does_not_add_up', key: latest?.settlement_id }]);
  });
});
