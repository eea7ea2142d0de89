import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  startFulfillmentWorld,
  type FulfillmentWorld,
  type SimOrderView,
} from '../fulfillment/fulfillment.test-support.js';
import { shippedOrders } from '../refunds/refunds.test-support.js';
import { caller, type Call } from './admin.test-support.js';
import { createAdminServer, type AdminServer } from './server.js';

/** Returns and rejected cancellations through the admin API, against the simulated Amazon, on its clock. */

let world: FulfillmentWorld;
let server: AdminServer;
let api: Call;
let companyId: number;
let shipped: SimOrderView;
let unshipped: SimOrderView;

beforeAll(async () => {
  world = await startFulfillmentWorld(1511);
  companyId = world.company.id;
  [shipped, unshipped] = (await shippedOrders(world, [
    { items: [{ quantity: 2, unitPrice: '10.00' }] },
    { items: [{ quantity: 1 }], unshipped: true },
  ])) as [SimOrderView, SimOrderView];
  server = await createAdminServer(world.context, { queues: () => world.queues });
  api = caller(server);
}, 120_000);

afterAll(async () => {
  await server?.close();
  await world?.close();
});

type ReturnView = { id: number; rmaId: string; state: string; refundBy: string | null };

describe('returns through the admin API', () => {
  it('authorizes, receives and refunds a return once per key, and lists it', async () => {
    const item = shipped.orderItems[0]!.orderItemId;
    const returns = `/api/companies/${companyId}/returns`;
    const tooMany = await api('POST', returns, {
      amazonOrderId: shipped.orderId,
      items: [{ orderItemId: item, quantity: 3 }],
      reason: 'too big',
    });
    expect(tooMany.statusCode).toBe(400);
    expect(tooMany.json()).toMatchObject({ error: expect.stringContaining('cannot return 3, only 2') });
    const added = await api('POST', returns, {
      amazonOrderId: shipped.orderId,
      items: [{ orderItemId: item, quantity: 1 }],
      reason: 'too big',
      condition: 'opened',
    });
    expect(added.statusCode).toBe(201);
    const authorized = added.json<ReturnView>();
    expect(authorized).toMatchObject({
      state: 'authorized',
      condition: 'opened',
      rmaId: `RMA-${authorized.id}`,
    });

    const early = await api('POST', `${returns}/${authorized.rmaId}/refund`, {});
    expect(early.statusCode).toBe(400);
    expect(early.json().error).toContain('has not been received yet');

    const received = await api('POST', `${returns}/${authorized.rmaId}/receive`);
    expect(received.statusCode).toBe(200);
    // Two business days after receipt, on our (pinned) clock.
    const receivedAt = world.now();
    const refundBy = new Date(received.json<ReturnView>().refundBy!);
    expect(refundBy.getTime()).toBeGreaterThanOrEqual(receivedAt.getTime() + 2 * 86_400_000 - 60_000);
    expect(refundBy.getTime()).toBeLessThanOrEqual(receivedAt.getTime() + 4 * 86_400_000 + 60_000);
    expect((await api('POST', `${returns}/${authorized.id}/receive`)).json().error).toContain(
      'already received',
    );

    // A received return near its refund-by deadline is at risk, beside the orders (as `orders at-risk`).
    const atRisk = await api('GET', `/api/orders/at-risk?company=${companyId}&hours=720`);
    expect(atRisk.json<{ items: unknown[] }>().items).toContainEqual(
      expect.objectContaining({ status: authorized.rmaId, risk: 'return-refund-by', late: false }),
    );

    const headers = { 'idempotency-key': 'return-refund-1' };
    const refund = await api(
      'POST',
      `${returns}/${authorized.rmaId}/refund`,
      { restockingFee: '2.00' },
      headers,
    );
    expect(refund.statusCode).toBe(201);
    expect(refund.json()).toMatchObject({
      return: { state: 'refunded' },
      refund: {
        refund: {
          reason: 'CustomerReturn',
          items: [
            {
              components: [
                { component: 'Principal', amount: '10.00' },
                { component: 'Tax', amount: '0.80' },
                { component: 'RestockingFee', amount: '-2.00' },
              ],
            },
          ],
        },
      },
      queued: true,
    });
    const again = await api(
      'POST',
      `${returns}/${authorized.rmaId}/refund`,
      { restockingFee: '2.00' },
      headers,
    );
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.json()).toEqual(refund.json());
    const refunds = await api('GET', `/api/companies/${companyId}/refunds`);
    expect(refunds.json<{ items: unknown[] }>().items).toHaveLength(1);

    // The order's story has the refund in it, as `orders show` has.
    const order = await api('GET', `/api/companies/${companyId}/orders/${shipped.orderId}`);
    expect(order.json()).toMatchObject({
      refundPaymentStatus: 'paid',
      timeline: expect.arrayContaining([expect.objectContaining({ kind: 'refund_requested' })]),
    });

    const listed = await api('GET', `/api/returns?company=${companyId}&open=true&limit=1`);
    expect(listed.json()).toEqual({
      items: [expect.objectContaining({ rmaId: authorized.rmaId, state: 'refunded' })],
      nextCursor: null,
    });
  });

  it('refuses what a client got wrong, naming the field, and answers 404 for a return it does not know', async () => {
    const returns = `/api/companies/${companyId}/returns`;
    const base = {
      amazonOrderId: shipped.orderId,
      items: [{ orderItemId: shipped.orderItems[0]!.orderItemId, quantity: 1 }],
      reason: 'too big',
    };
    const cases: [unknown, string][] = [
      [{ ...base, items: [] }, 'body.items'],
      [{ ...base, items: [{ orderItemId: 'x', quantity: 0 }] }, 'body.items.0.quantity'],
      [{ ...base, reason: '  ' }, 'body.reason'],
      [{ ...base, condition: 'broken' }, 'body.condition'],
      [{ ...base, amazonOrderId: 'nope' }, 'body.amazonOrderId'],
      [{ ...base, color: 'red' }, 'body'],
    ];
    for (const [body, field] of cases) {
      const refused = await api('POST', returns, body);
      expect(refused.statusCode, JSON.stringify(body)).toBe(400);
      expect(refused.json().field).toBe(field);
    }
    const notShipped = await api('POST', returns, {
      ...base,
      amazonOrderId: unshipped.orderId,
      items: [{ orderItemId: unshipped.orderItems[0]!.orderItemId, quantity: 1 }],
    });
    expect(notShipped.json().error).toContain('nothing shipped');
    expect((await api('POST', `${returns}/RMA-999999/receive`)).statusCode).toBe(404);
    expect((await api('POST', `${returns}/RMA-x/receive`)).json()).toMatchObject({ field: 'params.rmaId' });
    expect((await api('POST', `/api/companies/999999/returns/RMA-1/receive`)).statusCode).toBe(404);
    expect((await api('POST', `${returns}/RMA-1/refund`, { restockingFee: '-2' })).json()).toMatchObject({
      field: 'body.restockingFee',
    });
    expect((await api('GET', '/api/returns?open=maybe')).json()).toMatchObject({ field: 'querystring.open' });
    expect((await api('GET', `${returns}`)).statusCode).toBe(405);
  });
});

describe('rejected cancellations through the admin API', () => {
  /** Cancels the orders and lets Amazon refuse every message: the cancellations end rejected. */
  async function rejected(orders: SimOrderView[]): Promise<number[]> {
    for (const order of orders) {
      const cancelled = await api('POST', `/api/companies/${companyId}/cancellations`, {
        amazonOrderId: order.orderId,
        reason: 'NoInventory',
      });
      expect(cancelled.statusCode).toBe(201);
    }
    await world.control('POST', '/faults', { kind: 'cancel-refused', count: orders.length });
    await world.run('cancellation-upload');
    await world.finishFeeds();
    const listed = await api('GET', `/api/companies/${companyId}/cancellations?state=rejected`);
    const found = listed.json<{ items: { id: number; amazonOrderId: string }[] }>().items;
    return orders.map((order) => found.find((c) => c.amazonOrderId === order.orderId)!.id);
  }

  it('re-queues a rejected cancellation, releases another, and refuses one that is not rejected', async () => {
    const orders = [
      await world.createOrder({ items: [{ quantity: 1 }] }),
      await world.createOrder({ items: [{ quantity: 1 }] }),
    ];
    await world.downloadOrders();
    const cancellations = `/api/companies/${companyId}/cancellations`;
    const [requeueId, releaseId] = await rejected(orders);

    const requeued = await api('POST', `${cancellations}/${requeueId}/requeue`);
    expect(requeued.statusCode).toBe(200);
    expect(requeued.json()).toMatchObject({
      cancellation: { id: requeueId, state: 'requested' },
      queued: true,
    });
    const twice = await api('POST', `${cancellations}/${requeueId}/requeue`);
    expect(twice.statusCode).toBe(400);
    expect((await api('POST', `${cancellations}/${requeueId}/release`)).statusCode).toBe(400);

    const released = await api('POST', `${cancellations}/${releaseId}/release`);
    expect(released.statusCode).toBe(200);
    expect(released.json()).toMatchObject({
      cancellation: { id: releaseId, state: 'released' },
      buyerRequestReopened: false,
    });
    expect((await api('POST', `${cancellations}/999999/release`)).statusCode).toBe(400);
    expect((await api('POST', `${cancellations}/abc/release`)).json()).toMatchObject({
      field: 'params.cancellationId',
    });
    expect((await api('GET', `${cancellations}/${releaseId}/release`)).statusCode).toBe(405);
  });

  it('has recorded each of these changes in the audit log, as api', async () => {
    const audit = await api('GET', `/api/audit?company=${companyId}&limit=100`);
    const entries = audit.json<{ items: { action: string; actor: string; amazonOrderId: string | null }[] }>()
      .items;
    const actions = entries.map((e) => e.action);
    for (const action of [
      'return.add',
      'return.receive',
      'return.refund',
      'cancellation.requeue',
      'cancellation.release',
    ])
      expect(
        actions.filter((a) => a === action),
        action,
      ).toHaveLength(1);
    expect(entries.find((e) => e.action === 'return.add')).toMatchObject({
      actor: 'api',
      amazonOrderId: shipped.orderId,
    });
    expect(audit.body).not.toContain('too big');
  });
});
