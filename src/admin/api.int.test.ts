import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  startFulfillmentWorld,
  type FulfillmentWorld,
  type SimOrderView,
} from '../fulfillment/fulfillment.test-support.js';
import { caller, parsePrometheus, type Call } from './admin.test-support.js';
import { createMetricsServer } from './metrics.js';
import { createAdminServer, type AdminServer } from './server.js';

/** Every route of the admin API against the simulated Amazon, the way an operator's script uses them. */

let world: FulfillmentWorld;
let server: AdminServer;
let api: Call;
let companyId: number;
const orders: Record<string, SimOrderView> = {};

async function downloadThroughApi(): Promise<void> {
  await world.advance(5);
  // The first run learns Amazon's clock after the jump; the second one's window reaches the new orders.
  for (let run = 0; run < 2; run++) {
    const response = await api('POST', `/api/companies/${companyId}/runs`, { kind: 'order-download' });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({ status: 'succeeded', runId: expect.any(Number) });
  }
}

beforeAll(async () => {
  world = await startFulfillmentWorld(1501);
  companyId = world.company.id;
  server = await createAdminServer(world.context, { queues: () => world.queues });
  api = caller(server);
  for (const name of ['ship', 'cancel', 'accept', 'decline', 'other']) {
    orders[name] = await world.createOrder({ items: [{ quantity: 2 }] });
  }
  for (const name of ['accept', 'decline']) {
    await world.control('POST', `/orders/${orders[name]!.orderId}/buyer-cancel-request`, {
      reason: 'Found it cheaper',
    });
  }
  await downloadThroughApi();
}, 120_000);

afterAll(async () => {
  await server?.close();
  await world?.close();
});

function orderId(name: string): string {
  return orders[name]!.orderId;
}

function shipmentBody(name: string, tracking = '1Z999AA10123456784') {
  return {
    amazonOrderId: orderId(name),
    carrier: 'UPS',
    trackingNumber: tracking,
    shipDate: world.now().toISOString(),
    items: [{ orderItemId: orders[name]!.orderItems[0]!.orderItemId, quantity: 1 }],
  };
}

describe('companies', () => {
  it('adds, lists page by page, shows masked, changes and removes a company', async () => {
    const acme = {
      name: 'Acme',
      sellerId: 'A2EXAMPLE1234',
      region: 'na',
      marketplaceIds: ['ATVPDKIKX0DER'],
      lwaClientId: 'amzn1.application-oa2-client.acme',
      lwaClientSecret: 'acme-client-secret-value',
      refreshToken: 'Atzr|acme-refresh-token-value',
    };
    const added = await api('POST', '/api/companies', acme);
    expect(added.statusCode).toBe(201);
    const id = added.json<{ id: number }>().id;
    expect(added.body).not.toContain('acme-refresh-token-value');

    const first = await api('GET', '/api/companies?limit=1');
    const page = first.json<{ items: { id: number }[]; nextCursor: string | null }>();
    expect(page.items).toHaveLength(1);
    expect(page.nextCursor).not.toBeNull();
    const second = await api('GET', `/api/companies?limit=1&cursor=${page.nextCursor}`);
    const next = second.json<{ items: { id: number }[]; nextCursor: string | null }>();
    expect(next.items.map((c) => c.id)).not.toEqual(page.items.map((c) => c.id));
    expect(next.nextCursor).toBeNull();

    const shown = await api('GET', `/api/companies/${id}`);
    expect(shown.statusCode).toBe(200);
    expect(shown.json()).toMatchObject({
      name: 'Acme',
      credentials: { lwaClientId: 'amzn1.application-oa2-client.acme' },
    });
    expect(shown.body).not.toContain('acme-client-secret-value');
    expect(shown.body).not.toContain('acme-refresh-token-value');

    const changed = await api('PATCH', `/api/companies/${id}`, {
      allowOrderDownload: true,
      downloadIntervalMinutes: 15,
    });
    expect(changed.statusCode).toBe(200);
    const row = await world.context.db
      .selectFrom('companies')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
    expect(row).toMatchObject({ allow_order_download: true, download_interval_minutes: 15 });
    const schedules = await api('GET', `/api/schedules?company=${id}`);
    expect(schedules.json()).toMatchObject({
      items: expect.arrayContaining([expect.objectContaining({ kind: 'order-download', everyMinutes: 15 })]),
    });

    const badInterval = await api('PATCH', `/api/companies/${id}`, { uploadIntervalMinutes: 0 });
    expect(badInterval.statusCode).toBe(400);
    expect(badInterval.json()).toMatchObject({ field: 'body.uploadIntervalMinutes' });
    const wrongRegion = await api('PATCH', `/api/companies/${id}`, { marketplaceIds: ['A1PA6795UKMFR9'] });
    expect(wrongRegion.statusCode).toBe(400);
    expect(wrongRegion.json().error).toContain('A1PA6795UKMFR9');
    const duplicate = await api('POST', '/api/companies', acme);
    expect(duplicate.statusCode).toBe(400);
    expect(duplicate.json().error).toContain('already exists');

    expect((await api('DELETE', `/api/companies/${id}`)).json()).toEqual({ removed: id });
    expect((await api('GET', `/api/companies/${id}`)).statusCode).toBe(404);
    expect((await api('DELETE', `/api/companies/${id}`)).statusCode).toBe(404);
  });
});

describe('runs and schedules', () => {
  it('lists the manual runs newest first, filtered by kind and status, page by page', async () => {
    const runs = await api(
      'GET',
      `/api/runs?company=${companyId}&kind=order-download&status=succeeded&limit=1`,
    );
    const page = runs.json<{
      items: { kind: string; status: string; trigger: string }[];
      nextCursor: string;
    }>();
    expect(page.items).toEqual([
      expect.objectContaining({ kind: 'order-download', status: 'succeeded', trigger: 'manual' }),
    ]);
    expect(page.nextCursor).toEqual(expect.any(String));
    expect((await api('GET', '/api/runs?kind=nothing')).json()).toMatchObject({ field: 'querystring.kind' });
    expect((await api('GET', '/api/runs?status=done')).json()).toMatchObject({ field: 'querystring.status' });
  });

  it('queues a run for a worker when asked, and refuses an unknown kind or company', async () => {
    const queued = await api('POST', `/api/companies/${companyId}/runs`, {
      kind: 'fulfillment-upload',
      queue: true,
    });
    expect(queued.statusCode).toBe(202);
    expect(await world.queues['fulfillment-upload'].getJobCounts('waiting')).toMatchObject({ waiting: 1 });
    await world.queues['fulfillment-upload'].drain();
    const badKind = await api('POST', `/api/companies/${companyId}/runs`, { kind: 'settle' });
    expect(badKind.statusCode).toBe(400);
    expect(badKind.json()).toMatchObject({
      field: 'body.kind',
      error: expect.stringContaining('order-download'),
    });
    expect((await api('POST', '/api/companies/999999/runs', { kind: 'order-download' })).statusCode).toBe(
      404,
    );
    expect((await api('GET', `/api/schedules?company=${companyId}`)).statusCode).toBe(200);
  });
});

describe('orders', () => {
  it('searches by company, status, channel and hold, page by page', async () => {
    const all = await api(
      'GET',
      `/api/orders?company=${companyId}&status=Unshipped,PartiallyShipped&channel=MFN`,
    );
    expect(all.statusCode).toBe(200);
    const found = all.json<{ items: { amazonOrderId: string }[] }>().items.map((o) => o.amazonOrderId);
    expect(found).toEqual(expect.arrayContaining([orderId('ship'), orderId('cancel'), orderId('other')]));
    const held = await api('GET', `/api/orders?company=${companyId}&onHold=true`);
    expect(
      held
        .json<{ items: { amazonOrderId: string }[] }>()
        .items.map((o) => o.amazonOrderId)
        .sort(),
    ).toEqual([orderId('accept'), orderId('decline')].sort());
    const paged = await api('GET', `/api/orders?company=${companyId}&limit=2`);
    const first = paged.json<{ items: { id: number }[]; nextCursor: string }>();
    const rest = await api('GET', `/api/orders?company=${companyId}&limit=2&cursor=${first.nextCursor}`);
    const ids = [...first.items, ...rest.json<{ items: { id: number }[] }>().items].map((o) => o.id);
    expect(new Set(ids).size).toBe(4);
    expect((await api('GET', '/api/orders?status=Sent')).json()).toMatchObject({
      field: 'querystring.status',
    });
    expect((await api('GET', '/api/orders?from=2026-02-30')).json()).toMatchObject({
      field: 'querystring.from',
    });
    expect((await api('GET', '/api/orders?subtype=Gold')).json()).toMatchObject({
      field: 'querystring.subtype',
    });
    expect((await api('GET', '/api/orders?onHold=yes')).json()).toMatchObject({
      field: 'querystring.onHold',
    });
    expect((await api('GET', '/api/orders?atRiskHours=0')).json()).toMatchObject({
      field: 'querystring.atRiskHours',
    });
    const future = await api('GET', `/api/orders?company=${companyId}&from=2999-01-01`);
    expect(future.json()).toEqual({ items: [], nextCursor: null });
  });

  it('shows one order with items and timeline; at-risk and problems lists answer', async () => {
    const shown = await api('GET', `/api/companies/${companyId}/orders/${orderId('ship')}`);
    expect(shown.statusCode).toBe(200);
    expect(shown.json()).toMatchObject({
      order: { amazonOrderId: orderId('ship'), status: 'Unshipped' },
      items: [expect.objectContaining({ quantityOrdered: 2 })],
      timeline: expect.arrayContaining([expect.objectContaining({ kind: 'first_seen' })]),
    });
    expect(shown.json()).not.toHaveProperty('buyer');
    expect((await api('GET', `/api/companies/${companyId}/orders/113-0000000-0000000`)).statusCode).toBe(404);
    expect((await api('GET', `/api/companies/${companyId}/orders/not-an-order`)).json()).toMatchObject({
      field: 'params.amazonOrderId',
    });
    const atRisk = await api('GET', `/api/orders/at-risk?company=${companyId}&hours=720`);
    expect(atRisk.json<{ items: unknown[] }>().items.length).toBeGreaterThan(0);
    expect((await api('GET', '/api/orders/at-risk?hours=721')).statusCode).toBe(400);
    expect((await api('GET', `/api/orders/problems?company=${companyId}&all=true`)).json()).toEqual({
      items: [],
      nextCursor: null,
    });
  });
});

describe('shipments', () => {
  it('records a shipment once per Idempotency-Key and refuses the key for another request', async () => {
    const headers = { 'idempotency-key': 'ship-1' };
    const body = shipmentBody('ship');
    const first = await api('POST', `/api/companies/${companyId}/shipments`, body, headers);
    expect(first.statusCode).toBe(201);
    const again = await api('POST', `/api/companies/${companyId}/shipments`, body, headers);
    expect(again.statusCode).toBe(201);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.json()).toEqual(first.json());
    const listed = await api('GET', `/api/companies/${companyId}/shipments?order=${orderId('ship')}`);
    expect(listed.json<{ items: unknown[] }>().items).toHaveLength(1);
    const other = await api('POST', `/api/companies/${companyId}/shipments`, shipmentBody('other'), headers);
    expect(other.statusCode).toBe(422);
    expect(other.json()).toMatchObject({ field: 'headers.idempotency-key' });
    const badKey = await api('POST', `/api/companies/${companyId}/shipments`, shipmentBody('other'), {
      'idempotency-key': 'ä',
    });
    expect(badKey.json()).toMatchObject({ field: 'headers.idempotency-key' });
  });

  it("records a shipment without a ship date at Amazon's now", async () => {
    const before = world.server.sim.clock.now().getTime();
    const { shipDate: _omitted, ...body } = shipmentBody('ship');
    const recorded = await api('POST', `/api/companies/${companyId}/shipments`, body);
    expect(recorded.statusCode).toBe(201);
    // Amazon's clock (the simulator's) runs a day behind ours here.
    const shipDate = Date.parse(recorded.json<{ shipment: { shipDate: string } }>().shipment.shipDate);
    expect(shipDate).toBeGreaterThanOrEqual(before - 2_000);
    expect(shipDate).toBeLessThanOrEqual(world.server.sim.clock.now().getTime());
  });

  it('refuses a shipment Amazon would refuse, naming the field, and frees the key', async () => {
    const noItems = await api('POST', `/api/companies/${companyId}/shipments`, {
      ...shipmentBody('other'),
      items: [],
    });
    expect(noItems.json()).toMatchObject({ field: 'body.items' });
    const badDate = await api('POST', `/api/companies/${companyId}/shipments`, {
      ...shipmentBody('other'),
      shipDate: 'yesterday',
    });
    expect(badDate.json()).toMatchObject({ field: 'body.shipDate' });
    const key = { 'idempotency-key': 'ship-too-many' };
    const tooMany = {
      ...shipmentBody('other'),
      items: [{ orderItemId: orders.other!.orderItems[0]!.orderItemId, quantity: 3 }],
    };
    const refused = await api('POST', `/api/companies/${companyId}/shipments`, tooMany, key);
    expect(refused.statusCode).toBe(400);
    expect(refused.json().error).toContain('cannot ship 3, only 2 left');
    const held = await api('POST', `/api/companies/${companyId}/shipments`, shipmentBody('accept'));
    expect(held.json().error).toContain('buyer cancellation request');
    const fixed = await api(
      'POST',
      `/api/companies/${companyId}/shipments`,
      { ...tooMany, items: [{ ...tooMany.items[0]!, quantity: 2 }] },
      key,
    );
    expect(fixed.statusCode).toBe(201);
  });

  it('lists problems, refuses to requeue one that is not rejected, and keeps a default ship-from', async () => {
    expect((await api('GET', `/api/companies/${companyId}/shipments?problems=true`)).json()).toEqual({
      items: [],
      nextCursor: null,
    });
    expect((await api('GET', `/api/companies/${companyId}/shipments?state=lost`)).json()).toMatchObject({
      field: 'querystring.state',
    });
    const listed = await api('GET', `/api/companies/${companyId}/shipments`);
    const id = listed.json<{ items: { id: number }[] }>().items[0]!.id;
    const requeue = await api('POST', `/api/companies/${companyId}/shipments/requeue`, { ids: [id] });
    expect(requeue.statusCode).toBe(400);
    expect(requeue.json().error).toContain('only rejected shipments');
    expect(
      (await api('POST', `/api/companies/${companyId}/shipments/requeue`, { ids: [] })).json(),
    ).toMatchObject({ field: 'body.ids' });
    const address = await api('PUT', `/api/companies/${companyId}/ship-from`, { city: 'Sparks' });
    expect(address.json()).toMatchObject({ city: 'Sparks', line1: '1 Dock Road' });
    expect((await api('GET', `/api/companies/${companyId}/ship-from`)).json()).toMatchObject({
      city: 'Sparks',
    });
    expect(
      (await api('PUT', `/api/companies/${companyId}/ship-from`, { country: 'USA' })).json(),
    ).toMatchObject({
      field: 'body.country',
    });
  });
});

describe('cancellations and buyer requests', () => {
  it('lists the open buyer requests, accepts one once per key and declines another', async () => {
    const open = await api('GET', `/api/companies/${companyId}/cancel-requests`);
    expect(
      open
        .json<{ items: { amazonOrderId: string }[] }>()
        .items.map((r) => r.amazonOrderId)
        .sort(),
    ).toEqual([orderId('accept'), orderId('decline')].sort());
    const headers = { 'idempotency-key': 'accept-1' };
    const accepted = await api(
      'POST',
      `/api/companies/${companyId}/cancel-requests/${orderId('accept')}/accept`,
      undefined,
      headers,
    );
    expect(accepted.statusCode).toBe(201);
    expect(accepted.json()).toMatchObject({ cancellation: { reason: 'BuyerCanceled' }, queued: true });
    const again = await api(
      'POST',
      `/api/companies/${companyId}/cancel-requests/${orderId('accept')}/accept`,
      undefined,
      headers,
    );
    expect(again.headers['idempotent-replayed']).toBe('true');
    const declined = await api(
      'POST',
      `/api/companies/${companyId}/cancel-requests/${orderId('decline')}/decline`,
    );
    expect(declined.json()).toMatchObject({ amazonOrderId: orderId('decline'), onHold: false });
    const declinedAgain = await api(
      'POST',
      `/api/companies/${companyId}/cancel-requests/${orderId('decline')}/decline`,
    );
    expect(declinedAgain.json()).toMatchObject({ onHold: false });
    expect((await api('GET', `/api/companies/${companyId}/cancel-requests`)).json()).toEqual({
      items: [],
      nextCursor: null,
    });
  });

  it('cancels an order with a reason, refuses a reason Amazon does not have, and lists the cancellations', async () => {
    const wrong = await api('POST', `/api/companies/${companyId}/cancellations`, {
      amazonOrderId: orderId('cancel'),
      reason: 'Changed',
    });
    expect(wrong.json()).toMatchObject({
      field: 'body.reason',
      error: expect.stringContaining('NoInventory'),
    });
    const unrequested = await api('POST', `/api/companies/${companyId}/cancellations`, {
      amazonOrderId: orderId('cancel'),
      reason: 'BuyerCanceled',
    });
    expect(unrequested.json().error).toContain('has not requested cancellation');
    const cancelled = await api(
      'POST',
      `/api/companies/${companyId}/cancellations`,
      { amazonOrderId: orderId('cancel'), reason: 'NoInventory' },
      { 'idempotency-key': 'cancel-1' },
    );
    expect(cancelled.statusCode).toBe(201);
    expect(cancelled.json()).toMatchObject({
      cancellation: { reason: 'NoInventory', state: 'requested' },
      cancelRate: { threshold: 0.025 },
    });
    const listed = await api('GET', `/api/companies/${companyId}/cancellations?state=requested`);
    expect(
      listed
        .json<{ items: { amazonOrderId: string }[] }>()
        .items.map((c) => c.amazonOrderId)
        .sort(),
    ).toEqual([orderId('accept'), orderId('cancel')].sort());
    expect((await api('GET', `/api/companies/${companyId}/cancellations?state=gone`)).statusCode).toBe(400);
    expect((await api('GET', `/api/companies/${companyId}/inventory/zeroed`)).statusCode).toBe(200);
  });
});

describe('feeds, account health and the audit log', () => {
  it('uploads through a run, shows the feed with its per-message results and the account health', async () => {
    const upload = await api('POST', `/api/companies/${companyId}/runs`, { kind: 'fulfillment-upload' });
    expect(upload.json()).toMatchObject({ status: 'succeeded' });
    await world.finishFeeds();
    const feeds = await api('GET', `/api/companies/${companyId}/feeds?kind=order-fulfillment`);
    const feed = feeds.json<{ items: { id: number }[] }>().items[0]!;
    const shown = await api('GET', `/api/companies/${companyId}/feeds/${feed.id}`);
    expect(shown.json()).toMatchObject({
      state: 'done',
      messages: expect.arrayContaining([expect.objectContaining({ result: 'accepted' })]),
    });
    expect((await api('GET', `/api/companies/${companyId}/feeds/999999`)).statusCode).toBe(404);
    expect((await api('GET', `/api/companies/${companyId}/feeds?kind=Order Fulfillment`)).statusCode).toBe(
      400,
    );
    const health = await api('GET', `/api/companies/${companyId}/account-health`);
    expect(health.json()).toMatchObject({
      marketplaces: [
        expect.objectContaining({
          marketplaceId: 'ATVPDKIKX0DER',
          validTrackingRate: expect.objectContaining({ target: 0.95 }),
        }),
      ],
      cancelRate: { windowDays: 7, threshold: 0.025 },
    });
  });

  it('refunds a shipped order once per key, lists it and cancels it within its hold', async () => {
    await downloadThroughApi();
    const left = await api('GET', `/api/companies/${companyId}/orders/${orderId('other')}/refundable`);
    expect(left.statusCode).toBe(200);
    const notShipped = await api('POST', `/api/companies/${companyId}/refunds`, {
      amazonOrderId: orderId('decline'),
      reason: 'CustomerReturn',
      full: true,
    });
    expect(notShipped.json().error).toContain('nothing of it has shipped');
    const wrongReason = await api('POST', `/api/companies/${companyId}/refunds`, {
      amazonOrderId: orderId('other'),
      reason: 'Sorry',
      full: true,
    });
    expect(wrongReason.json()).toMatchObject({ field: 'body.reason' });
    const body = { amazonOrderId: orderId('other'), reason: 'CustomerReturn', full: true };
    const headers = { 'idempotency-key': 'refund-1' };
    const refunded = await api('POST', `/api/companies/${companyId}/refunds`, body, headers);
    expect(refunded.statusCode).toBe(201);
    const again = await api('POST', `/api/companies/${companyId}/refunds`, body, headers);
    expect(again.headers['idempotent-replayed']).toBe('true');
    const listed = await api('GET', `/api/companies/${companyId}/refunds?state=requested`);
    const refunds = listed.json<{ items: { id: number }[] }>().items;
    expect(refunds).toHaveLength(1);
    const cancelled = await api('POST', `/api/companies/${companyId}/refunds/${refunds[0]!.id}/cancel`);
    expect(cancelled.json()).toMatchObject({ state: 'cancelled' });
    expect(
      (await api('POST', `/api/companies/${companyId}/refunds/${refunds[0]!.id}/cancel`)).statusCode,
    ).toBe(400);
    expect((await api('GET', `/api/companies/${companyId}/refunds?state=sent`)).statusCode).toBe(400);
  });

  it('serves Prometheus metrics behind the token, or alone on METRICS_PORT without it', async () => {
    // finishFeeds follows the feeds a day ahead of our clock, so their confirmations are that far in our
    // future: the account-health figures count only what was confirmed by the time they are read.
    await world.advance(24 * 60 + 1);
    expect((await server.inject({ url: '/metrics' })).statusCode).toBe(401);
    const scraped = await api('GET', '/metrics');
    expect(scraped.statusCode).toBe(200);
    expect(scraped.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
    const samples = parsePrometheus(scraped.body);
    const value = (name: string, labels: Record<string, string>) =>
      samples.find((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v))
        ?.value;
    expect(
      value('sellersync_job_runs_total', { kind: 'order-download', status: 'succeeded' }),
    ).toBeGreaterThanOrEqual(3);
    expect(
      value('sellersync_job_run_duration_seconds_count', { kind: 'order-download', status: 'succeeded' }),
    ).toBeGreaterThanOrEqual(3);
    expect(
      value('sellersync_amazon_calls_total', { operation: 'searchOrders', status: '200' }),
    ).toBeGreaterThan(0);
    expect(value('sellersync_amazon_throttled_total', {}) ?? 0).toBeGreaterThanOrEqual(0);
    expect(value('sellersync_rate_limit_wait_seconds_count', { operation: 'searchOrders' })).toBeGreaterThan(
      0,
    );
    expect(value('sellersync_orders_downloaded_total', { company_id: String(companyId) })).toBe(5);
    expect(
      value('sellersync_orders_stored', { company_id: String(companyId), status: 'Canceled' }) ?? 0,
    ).toBeGreaterThanOrEqual(0);
    expect(
      value('sellersync_feed_messages', { kind: 'order-fulfillment', result: 'accepted' }),
    ).toBeGreaterThanOrEqual(1);
    expect(
      value('sellersync_queue_jobs', { queue: 'cancellation-upload', state: 'waiting' }),
    ).toBeGreaterThanOrEqual(0);
    expect(
      value('sellersync_account_health_rate', {
        company_id: String(companyId),
        metric: 'valid_tracking_30d',
      }),
    ).toBe(1);
    expect(
      value('sellersync_account_health_rate', { company_id: String(companyId), metric: 'cancel_7d' }),
    ).toBeGreaterThan(0);
    expect(value('sellersync_settlement_discrepancies_open', { company_id: String(companyId) })).toBe(0);

    const dashboard = readFileSync('docs/grafana-dashboard.json', 'utf8');
    const charted = new Set([...dashboard.matchAll(/sellersync_\w+/g)].map((m) => m[0]));
    for (const name of charted)
      expect(scraped.body, `docs/grafana-dashboard.json charts ${name}`).toContain(name);

    const config = { ...world.context.config, metricsPort: 9464 };
    const withPort = await createAdminServer({ ...world.context, config });
    const alone = await createMetricsServer({
      app: { ...world.context, config },
      queues: () => world.queues,
      handlers: {} as never,
    });
    try {
      expect((await caller(withPort)('GET', '/metrics')).statusCode).toBe(404);
      const open = await alone.inject({ url: '/metrics' });
      expect(open.statusCode).toBe(200);
      expect(open.body).toContain('sellersync_job_runs_total');
    } finally {
      await withPort.close();
      await alone.close();
    }
  });

  it('has recorded every change made through the API, with who and from where', async () => {
    const audit = await api('GET', `/api/audit?company=${companyId}&limit=100`);
    const actions = audit.json<{ items: { action: string; actor: string; origin: string }[] }>().items;
    expect(actions.map((a) => a.action)).toEqual(
      expect.arrayContaining([
        'run',
        'shipment.record',
        'cancel-request.accept',
        'cancel-request.decline',
        'order.cancel',
        'company.ship-from',
        'order.refund',
        'refund.cancel',
      ]),
    );
    expect(actions.filter((a) => a.action === 'shipment.record')).toHaveLength(3);
    expect(actions.every((a) => a.actor === 'api' && a.origin === '127.0.0.1')).toBe(true);
    expect(audit.body).not.toContain('Atzr|');
  });
});
