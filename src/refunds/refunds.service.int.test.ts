import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getCompany } from '../companies/companies.service.js';
import {
  startFulfillmentWorld,
  type FulfillmentWorld,
  type SimOrderView,
} from '../fulfillment/fulfillment.test-support.js';
import { listRefunds } from './refunds.repository.js';
import { cancelRefund, refundableOf, requestRefund } from './refunds.service.js';
import { uploadRefunds } from './refunds.upload.js';
import { refund, refundsOf, shippedOrders } from './refunds.test-support.js';

let world: FulfillmentWorld;
let shipped: SimOrderView;
let unshipped: SimOrderView;
let fba: SimOrderView;
let contested: SimOrderView;
let held: SimOrderView;

beforeAll(async () => {
  world = await startFulfillmentWorld(1302);
  [shipped, unshipped, fba, contested, held] = (await shippedOrders(world, [
    { items: [{ quantity: 2, unitPrice: '10.00' }] },
    { items: [{ quantity: 1, unitPrice: '10.00' }], unshipped: true },
    { items: [{ quantity: 1, unitPrice: '10.00' }], fulfilledBy: 'AMAZON' },
    { items: [{ quantity: 1, unitPrice: '50.00' }] },
    { items: [{ quantity: 1, unitPrice: '10.00' }] },
  ])) as [SimOrderView, SimOrderView, SimOrderView, SimOrderView, SimOrderView];
});

afterAll(async () => {
  await world?.close();
});

const itemOf = (order: SimOrderView) => order.orderItems[0]!.orderItemId;

function ask(order: SimOrderView, components: Record<string, string>, extra: Record<string, unknown> = {}) {
  return refund(world, {
    amazonOrderId: order.orderId,
    reason: 'CustomerReturn',
    items: [
      {
        orderItemId: itemOf(order),
        components: Object.entries(components).map(([component, amount]) => ({ component, amount })),
      },
    ],
    ...extra,
  });
}

async function refundCount(): Promise<number> {
  return (await listRefunds(world.context.db, world.company.id)).length;
}

describe('refusals: a clear reason, nothing recorded', () => {
  it('refuses what Amazon would refuse or what would give back more than was charged', async () => {
    const before = await refundCount();
    const refusals: [() => Promise<unknown>, RegExp][] = [
      [() => ask(unshipped, { Principal: '1.00' }), /nothing of it has shipped.*cancel it instead/],
      [() => ask(fba, { Principal: '1.00' }), /fulfilled by Amazon \(FBA\): Amazon handles FBA refunds/],
      [
        () => refund(world, { amazonOrderId: '111-0000000-0000000', reason: 'CustomerReturn', full: true }),
        /order 111-0000000-0000000 is not known/,
      ],
      [
        () =>
          refund(world, {
            amazonOrderId: shipped.orderId,
            reason: 'CustomerReturn',
            items: [{ orderItemId: '99999999999999', components: [{ component: 'Principal', amount: '1' }] }],
          }),
        /has no item 99999999999999/,
      ],
      [() => ask(shipped, { Bonus: '1.00' }), /expected one of Amazon's adjustment components/],
      [
        () => refund(world, { amazonOrderId: shipped.orderId, reason: 'Sorry', full: true }),
        /AdjustmentReason values/,
      ],
      [() => ask(shipped, { Principal: '-1.00' }), /negative; only RestockingFee charges the buyer/],
      [() => ask(shipped, { Principal: '20.01' }), /cannot refund 20.01, only 20.00 left/],
      [() => ask(shipped, { Principal: '1.005' }), /at most 2 decimal places/],
      [() => ask(shipped, { Goodwill: '30.00' }), /cannot refund 30.00 of the order: only 26.59 left/],
      [
        () => ask(shipped, { Principal: '5.00', RestockingFee: '-20.01' }),
        /above the order's principal of 20.00/,
      ],
      [() => ask(shipped, { Principal: '5.00', RestockingFee: '2.00' }), /write it negative/],
      [() => ask(shipped, { Principal: '1.00' }, { quantity: 3 }), /shipped only 2/],
      [
        () =>
          refund(world, {
            amazonOrderId: shipped.orderId,
            reason: 'CustomerReturn',
            full: true,
            items: [{ orderItemId: itemOf(shipped), components: [{ component: 'Tax', amount: '1' }] }],
          }),
        /either --full or --item/,
      ],
    ];
    for (const [attempt, message] of refusals) await expect(attempt()).rejects.toThrow(message);
    expect(await refundCount()).toBe(before);
  });

  it('refuses a separate Tax where prices include tax (Amazon.co.jp) and says to fold it into Principal', async () => {
    await world.context.db
      .updateTable('orders')
      .set({ marketplace_id: 'A1VC38T7YXB528' })
      .where('amazon_order_id', '=', shipped.orderId)
      .execute();
    try {
      await expect(ask(shipped, { Tax: '0.80' })).rejects.toThrow(
        /prices tax-inclusive.*fold the tax into Principal/,
      );
      const view = await refundableOf(world.context.db, world.company.id, shipped.orderId);
      // The tax is part of Principal there: 20.00 + 1.60.
      expect(view.lines[0]?.components.map((c) => [c.component, c.charged])).toEqual([
        ['Principal', '21.60'],
        ['Shipping', '4.99'],
      ]);
    } finally {
      await world.context.db
        .updateTable('orders')
        .set({ marketplace_id: 'ATVPDKIKX0DER' })
        .where('amazon_order_id', '=', shipped.orderId)
        .execute();
    }
  });
});

describe('over-refund under concurrency', () => {
  it('lets only one of two concurrent refunds that together exceed the principal through', async () => {
    const company = await getCompany(world.context.db, world.company.id);
    const attempt = () =>
      requestRefund(
        world.context.db,
        company,
        {
          amazonOrderId: contested.orderId,
          reason: 'PriceError',
          items: [
            { orderItemId: itemOf(contested), components: [{ component: 'Principal', amount: '30.00' }] },
          ],
        },
        { holdMinutes: 0 },
        world.now(),
      );
    const outcomes = await Promise.allSettled([attempt(), attempt(), attempt()]);
    expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
    const refused = outcomes.filter((o): o is PromiseRejectedResult => o.status === 'rejected');
    expect(refused).toHaveLength(2);
    for (const r of refused) expect(String(r.reason)).toMatch(/only 20.00 left .*in flight 30.00/);
    const view = await refundableOf(world.context.db, world.company.id, contested.orderId);
    expect(view.lines[0]?.components.find((c) => c.component === 'Principal')).toMatchObject({
      inFlight: '30.00',
      left: '20.00',
    });
  });
});

describe('the hold before a feed takes a refund', () => {
  it('keeps a refund out of feeds until its hold ends; it can be undone until then, not after', async () => {
    const now = world.now();
    const first = await ask(held, { Principal: '3.00' }, {});
    await cancelRefund(world.context.db, world.company.id, first.refund.id, world.now());
    expect((await refundsOf(world, held.orderId))[0]?.state).toBe('cancelled');
    await expect(
      cancelRefund(world.context.db, world.company.id, first.refund.id, world.now()),
    ).rejects.toThrow(/already cancelled/);

    const company = await getCompany(world.context.db, world.company.id);
    const second = await requestRefund(
      world.context.db,
      company,
      {
        amazonOrderId: held.orderId,
        reason: 'PriceError',
        items: [{ orderItemId: itemOf(held), components: [{ component: 'Principal', amount: '10.00' }] }],
      },
      { holdMinutes: 15 },
      now,
    );
    expect(second.refund.holdUntil.getTime() - now.getTime()).toBe(15 * 60_000);
    // The undone refund no longer counts: the whole principal could be refunded again.
    const pipeline = await world.pipeline();
    const early = await uploadRefunds(pipeline, company, new Date(now.getTime() + 14 * 60_000));
    expect(early.nextDue).toEqual(second.refund.holdUntil);
    expect((await refundsOf(world, held.orderId)).map((r) => r.state)).toEqual(['cancelled', 'requested']);
    const due = await uploadRefunds(pipeline, company, new Date(now.getTime() + 15 * 60_000));
    expect(due.refunds).toBe(1);
    await expect(
      cancelRefund(world.context.db, world.company.id, second.refund.id, world.now()),
    ).rejects.toThrow(/already on its way to Amazon/);
    await world.finishFeeds();
    expect((await refundsOf(world, held.orderId)).map((r) => r.state)).toEqual(['cancelled', 'accepted']);
  });
});
