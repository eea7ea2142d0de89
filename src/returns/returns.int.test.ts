import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getCompany } from '../companies/companies.service.js';
import {
  startFulfillmentWorld,
  type FulfillmentWorld,
  type SimOrderView,
} from '../fulfillment/fulfillment.test-support.js';
import { adjustmentFeeds, refundsOf, shippedOrders, simRefunds } from '../refunds/refunds.test-support.js';
import { addBusinessDays } from './business-days.js';
import { addReturn, listReturns, receiveReturn, refundReturn, returnsAtRisk } from './returns.service.js';

let world: FulfillmentWorld;
let order: SimOrderView;
let rejectedOrder: SimOrderView;

beforeAll(async () => {
  world = await startFulfillmentWorld(1305);
  [order, rejectedOrder] = (await shippedOrders(world, [
    { items: [{ quantity: 2, unitPrice: '10.00' }] },
    { items: [{ quantity: 1, unitPrice: '10.00' }] },
  ])) as [SimOrderView, SimOrderView];
});

afterAll(async () => {
  await world?.close();
});

async function stored(returnId: number) {
  return world.context.db
    .selectFrom('returns')
    .select(['state', 'refund_id'])
    .where('id', '=', returnId)
    .executeTakeFirstOrThrow();
}

describe('returns', () => {
  it('counts 2 business days from receipt: Friday to Tuesday, Monday to Wednesday', () => {
    expect(addBusinessDays(new Date('2026-12-04T15:00:00Z'), 2).toISOString()).toBe(
      '2026-12-08T15:00:00.000Z',
    );
    expect(addBusinessDays(new Date('2026-11-30T09:00:00Z'), 2).toISOString()).toBe(
      '2026-12-02T09:00:00.000Z',
    );
  });

  it('authorizes, receives and refunds a return less a restocking fee; Amazon accepts it and the return closes', async () => {
    const company = await getCompany(world.context.db, world.company.id);
    const item = order.orderItems[0]!.orderItemId;
    await expect(
      addReturn(
        world.context.db,
        company,
        {
          amazonOrderId: order.orderId,
          items: [{ orderItemId: item, quantity: 3 }],
          reason: 'too big',
          condition: 'sellable',
        },
        world.now(),
      ),
    ).rejects.toThrow(/cannot return 3, only 2 of the 2 shipped/);
    const authorized = await addReturn(
      world.context.db,
      company,
      {
        amazonOrderId: order.orderId,
        items: [{ orderItemId: item, quantity: 1 }],
        reason: 'too big',
        condition: 'opened',
      },
      world.now(),
    );
    expect(authorized).toMatchObject({ state: 'authorized', rmaId: `RMA-${authorized.id}` });
    await expect(
      refundReturn(world.context.db, company, authorized.id, {}, { holdMinutes: 0 }, world.now()),
    ).rejects.toThrow(/has not been received yet/);

    const friday = new Date('2026-12-04T15:00:00Z');
    const received = await receiveReturn(world.context.db, authorized.id, friday);
    expect(received.refundBy?.toISOString()).toBe('2026-12-08T15:00:00.000Z');
    const monday = new Date('2026-12-07T15:00:00Z');
    expect(
      (await returnsAtRisk(world.context.db, company.id, 24, monday)).map((r) => [r.rmaId, r.hoursLeft]),
    ).toEqual([[received.rmaId, 24]]);
    expect(await returnsAtRisk(world.context.db, company.id, 24, friday)).toEqual([]);

    const { refund } = await refundReturn(
      world.context.db,
      company,
      authorized.id,
      { restockingFee: '2.00' },
      { holdMinutes: 0 },
      world.now(),
    );
    expect(refund.refund.items[0]?.components.map((c) => [c.component, c.amount])).toEqual([
      ['Principal', '10.00'],
      ['Tax', '0.80'],
      ['RestockingFee', '-2.00'],
    ]);
    expect((await world.run('refund-upload')).run?.counts).toMatchObject({ refunds: 1 });
    expect((await adjustmentFeeds(world)).at(-1)?.content).toContain(
      '<Component><Type>RestockingFee</Type><Amount currency="USD">-2.00</Amount></Component>',
    );
    await world.finishFeeds();
    expect((await refundsOf(world, order.orderId))[0]?.state).toBe('accepted');
    expect((await simRefunds(world, order.orderId))[0]?.refundedComponents).toEqual({
      Principal: 1000,
      Tax: 80,
      RestockingFee: -200,
    });
    // Closed by the transaction that applied Amazon's verdict, before anything lists it.
    expect(await stored(authorized.id)).toMatchObject({ state: 'closed', refund_id: refund.refund.id });
    const [closed] = await listReturns(world.context.db, { companyId: company.id });
    expect(closed).toMatchObject({ state: 'closed', refundId: refund.refund.id });
    expect(await listReturns(world.context.db, { companyId: company.id, open: true })).toEqual([]);
  });

  it('puts a return whose refund Amazon rejected back to received, with Amazon’s message, at risk again', async () => {
    const company = await getCompany(world.context.db, world.company.id);
    const item = rejectedOrder.orderItems[0]!.orderItemId;
    const authorized = await addReturn(
      world.context.db,
      company,
      {
        amazonOrderId: rejectedOrder.orderId,
        items: [{ orderItemId: item, quantity: 1 }],
        reason: 'broken',
        condition: 'damaged',
      },
      world.now(),
    );
    await receiveReturn(world.context.db, authorized.id, world.now());
    const { refund } = await refundReturn(
      world.context.db,
      company,
      authorized.id,
      {},
      { holdMinutes: 0 },
      world.now(),
    );
    // Amazon refunds the item itself before our feed arrives: ours is then more than is left.
    await world.control('POST', `/orders/${rejectedOrder.orderId}/refund`);
    await world.run('refund-upload');
    await world.finishFeeds();
    expect((await refundsOf(world, rejectedOrder.orderId))[0]?.state).toBe('rejected');
    expect(await stored(authorized.id)).toMatchObject({ state: 'received', refund_id: null });
    const [back] = (await listReturns(world.context.db, { companyId: company.id })).filter(
      (r) => r.id === authorized.id,
    );
    expect(back?.refundProblem).toMatch(
      new RegExp(`^refund ${refund.refund.id} rejected by Amazon: .*not eligible`),
    );
    const atRisk = await returnsAtRisk(world.context.db, company.id, 72, world.now());
    expect(atRisk.map((r) => r.id)).toContain(authorized.id);
  });
});
