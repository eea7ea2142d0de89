import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MINUTE } from '../simulator/clock.js';
import { cancelOrder, shipOrder } from '../simulator/order-actions.js';
import { createTestContext, type TestContext } from '../../test/helpers/context.js';
import { eraseExpiredBuyerData } from './buyer-data.retention.js';
import {
  placeOrders,
  runDownload,
  simulatedOrders,
  simulatedSeller,
  storedOrderIds,
  type SimulatedSeller,
} from './download.test-support.js';
import type { OrderCursor } from './download-window.js';
import {
  NO_ORDER_EVENT_HANDLERS,
  type OrderCancelledOnAmazon,
  type OrderEventHandlers,
} from './order-events.js';
import { findOrderWithItems, showOrders } from './orders.service.js';

let context: TestContext;
const sellers: SimulatedSeller[] = [];

beforeAll(async () => {
  context = await createTestContext();
});

afterAll(async () => {
  await Promise.all(sellers.map((seller) => seller.server.close()));
  await context.cleanup();
});

async function newSeller() {
  const seller = await simulatedSeller(context);
  sellers.push(seller);
  return seller;
}

const merchantOrders = (count: number) =>
  Array.from({ length: count }, () => ({ fulfilledBy: 'MERCHANT' as const, programs: [] }));

const storedIds = (companyId: number) => storedOrderIds(context.db, companyId);

async function cursorOf(companyId: number): Promise<OrderCursor | undefined> {
  const row = await context.db
    .selectFrom('sync_cursors')
    .select('position')
    .where('company_id', '=', companyId)
    .executeTakeFirst();
  return row?.position as OrderCursor | undefined;
}

async function firstSeenEvents(companyId: number): Promise<number> {
  const rows = await context.db
    .selectFrom('order_events')
    .innerJoin('orders', 'orders.id', 'order_events.order_id')
    .select('order_events.id')
    .where('orders.company_id', '=', companyId)
    .where('order_events.kind', '=', 'first_seen')
    .execute();
  return rows.length;
}

const searchStatuses = (seller: SimulatedSeller) =>
  seller.server.sim.store.requests.filter((r) => r.operation === 'searchOrders').map((r) => r.status);

async function waitFor(condition: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

describe('a local clock five minutes fast', () => {
  it('causes no 400 and no gap: windows end by Amazon’s clock', async () => {
    const seller = await newSeller();
    const fast = () => new Date(seller.server.sim.now().getTime() + 5 * MINUTE);
    placeOrders(seller, merchantOrders(3));
    seller.server.sim.advance(40 * MINUTE);
    await runDownload(context, seller, { now: fast });
    const first = await cursorOf(seller.company.id);
    // The window ended two minutes before Amazon's time, not ours (five minutes ahead).
    const amazonNow = seller.server.sim.now().getTime();
    expect(Date.parse(first?.committedUntil ?? '')).toBeLessThanOrEqual(amazonNow - 2 * MINUTE);
    expect(Date.parse(first?.committedUntil ?? '')).toBeGreaterThan(amazonNow - 3 * MINUTE);
    placeOrders(seller, merchantOrders(2));
    seller.server.sim.advance(3 * MINUTE);
    await runDownload(context, seller, { now: fast });
    expect(searchStatuses(seller).every((status) => status === 200)).toBe(true);
    expect(await storedIds(seller.company.id)).toEqual(
      simulatedOrders(seller)
        .map((o) => o.orderId)
        .sort(),
    );
  });
});

describe('pagination', () => {
  it('restarts the window from the committed cursor when Amazon refuses an expired token', async () => {
    const seller = await newSeller();
    placeOrders(seller, merchantOrders(250));
    seller.server.sim.advance(40 * MINUTE);
    seller.server.sim.faults.add({
      kind: 'slow',
      operation: 'searchOrders',
      count: 5,
      status: 503,
      delayMs: 1_500,
    });
    const stop = new AbortController();
    const stopped = runDownload(context, seller, { signal: stop.signal });
    await waitFor(async () => ((await cursorOf(seller.company.id))?.window?.pages ?? 0) >= 1, 10_000);
    stop.abort();
    await expect(stopped).rejects.toThrow(/stopped for shutdown/);
    expect((await cursorOf(seller.company.id))?.window?.nextToken).toBeDefined();

    seller.server.sim.faults.clear();
    seller.server.sim.advance(25 * 60 * MINUTE); // tokens expire after 24 hours
    const counts = await runDownload(context, seller);
    expect(counts.windowRestarts).toBe(1);
    expect(searchStatuses(seller)).toContain(400);
    expect(await storedIds(seller.company.id)).toEqual(
      simulatedOrders(seller)
        .map((o) => o.orderId)
        .sort(),
    );
    expect(await firstSeenEvents(seller.company.id)).toBe(250);
    expect((await cursorOf(seller.company.id))?.window).toBeUndefined();
  });
});

describe('killing the process mid-run', () => {
  it('loses and doubles nothing: the rerun resumes from the last committed page', async () => {
    const seller = await newSeller();
    placeOrders(seller, merchantOrders(450));
    seller.server.sim.advance(40 * MINUTE);
    seller.server.sim.faults.add({
      kind: 'slow',
      operation: 'searchOrders',
      count: 10,
      status: 503,
      delayMs: 400,
    });
    // The TypeScript source, not a build that may be older than the checkout.
    const cli = [
      '--import',
      'tsx',
      'src/cli/bin.ts',
      'run',
      'order-download',
      '--company',
      String(seller.company.id),
    ];
    const child = spawn(process.execPath, cli, {
      // On the simulated marketplace's clock, as the download after it (runDownload).
      env: context.childEnv({}, seller.server.sim.now()),
      stdio: 'ignore',
    });
    const exited = new Promise((resolve) => child.once('exit', resolve));
    await waitFor(async () => ((await cursorOf(seller.company.id))?.window?.pages ?? 0) >= 2, 30_000);
    child.kill('SIGKILL');
    await exited;
    const partial = await storedIds(seller.company.id);
    expect(partial.length).toBeGreaterThanOrEqual(200);
    expect(partial.length).toBeLessThan(450);

    seller.server.sim.faults.clear();
    const counts = await runDownload(context, seller);
    expect(counts.inserted).toBe(450 - partial.length);
    expect(await storedIds(seller.company.id)).toEqual(
      simulatedOrders(seller)
        .map((o) => o.orderId)
        .sort(),
    );
    expect(await firstSeenEvents(seller.company.id)).toBe(450);
  }, 60_000);
});

describe('an Amazon-side cancellation', () => {
  it('cancels the order locally, with who and why, and tells the order events in the same transaction', async () => {
    const seller = await newSeller();
    const [orderId = ''] = placeOrders(seller, merchantOrders(1));
    seller.server.sim.advance(40 * MINUTE);
    await runDownload(context, seller);
    const simOrder = simulatedOrders(seller).find((o) => o.orderId === orderId);
    if (!simOrder) throw new Error('order missing');
    cancelOrder(simOrder, 'AMAZON', 'Payment could not be verified', seller.server.sim.now());
    seller.server.sim.advance(3 * MINUTE);

    const refusing: OrderEventHandlers = {
      ...NO_ORDER_EVENT_HANDLERS,
      cancelledOnAmazon: () => Promise.reject(new Error('handler failed')),
    };
    await expect(runDownload(context, seller, { orderEvents: refusing })).rejects.toThrow('handler failed');
    const untouched = await findOrderWithItems(context.db, seller.company.id, orderId);
    expect(untouched?.order.status).toBe('Unshipped');

    const told: OrderCancelledOnAmazon[] = [];
    const listening: OrderEventHandlers = {
      ...NO_ORDER_EVENT_HANDLERS,
      cancelledOnAmazon: async (tx, event) => {
        const row = await tx
          .selectFrom('orders')
          .select('status')
          .where('company_id', '=', event.companyId)
          .where('amazon_order_id', '=', event.amazonOrderId)
          .executeTakeFirstOrThrow();
        expect(row.status).toBe('Canceled');
        told.push(event);
        return { shipmentsVoided: 1 };
      },
    };
    const counts = await runDownload(context, seller, { orderEvents: listening });
    expect(counts).toMatchObject({ cancelled: 1, shipmentsVoided: 1 });
    expect(told).toEqual([
      {
        companyId: seller.company.id,
        amazonOrderId: orderId,
        reason: 'order cancelled (by AMAZON: Payment could not be verified)',
      },
    ]);
    const details = (await showOrders(context.db, context.config.keyring, orderId, false)).find(
      (d) => d.order.companyId === seller.company.id,
    );
    expect(details?.order).toMatchObject({
      status: 'Canceled',
      cancelledBy: 'AMAZON',
      cancelReason: 'Payment could not be verified',
    });
    expect(details?.timeline.map((e) => e.kind)).toEqual(['first_seen', 'cancelled']);
    expect(details?.timeline[1]).toMatchObject({
      fromStatus: 'Unshipped',
      toStatus: 'Canceled',
      detail: { cancelledBy: 'AMAZON' },
    });
  });
});

describe('buyer data retention', () => {
  it('erases buyer and recipient data 30 days after delivery and keeps the rest', async () => {
    const seller = await newSeller();
    const [orderId = ''] = placeOrders(seller, merchantOrders(1));
    seller.server.sim.advance(40 * MINUTE);
    await runDownload(context, seller);
    const simOrder = simulatedOrders(seller).find((o) => o.orderId === orderId);
    if (!simOrder) throw new Error('order missing');
    const shipTime = seller.server.sim.now();
    shipOrder(
      seller.server.sim.store,
      simOrder,
      { carrier: 'UPS', trackingNumber: '1Z999AA10123456784', shipTime },
      shipTime,
    );
    seller.server.sim.advance(3 * MINUTE);
    await runDownload(context, seller);

    const shipped = await findOrderWithItems(context.db, seller.company.id, orderId);
    expect(shipped?.order.status).toBe('Shipped');
    const deliveredAt = shipped?.order.deliveredAt ?? new Date(0);
    expect(deliveredAt).toEqual(shipped?.order.latestDeliveryDate);
    const day = 86_400_000;
    expect(
      await eraseExpiredBuyerData(
        context.db,
        seller.company.id,
        30,
        new Date(deliveredAt.getTime() + 29 * day),
      ),
    ).toBe(0);
    expect(
      await eraseExpiredBuyerData(
        context.db,
        seller.company.id,
        30,
        new Date(deliveredAt.getTime() + 31 * day),
      ),
    ).toBe(1);

    const raw = await context.db
      .selectFrom('orders')
      .selectAll()
      .where('company_id', '=', seller.company.id)
      .where('amazon_order_id', '=', orderId)
      .executeTakeFirstOrThrow();
    expect(raw).toMatchObject({
      buyer_enc: null,
      recipient_enc: null,
      status: 'Shipped',
      order_total: expect.any(String),
    });
    expect(raw.buyer_data_erased_at).not.toBeNull();
    const details = (await showOrders(context.db, context.config.keyring, orderId, true)).find(
      (d) => d.order.companyId === seller.company.id,
    );
    expect(details).toMatchObject({ buyer: null, recipient: null });
    expect(details?.items).toHaveLength(simOrder.items.length);
    expect(details?.timeline.at(-1)?.kind).toBe('buyer_data_erased');

    // A later copy of the order does not bring the erased data back.
    simOrder.lastUpdatedTime = seller.server.sim.now();
    seller.server.sim.advance(3 * MINUTE);
    await runDownload(context, seller);
    const after = await context.db
      .selectFrom('orders')
      .select(['buyer_enc', 'recipient_enc'])
      .where('company_id', '=', seller.company.id)
      .where('amazon_order_id', '=', orderId)
      .executeTakeFirstOrThrow();
    expect(after).toEqual({ buyer_enc: null, recipient_enc: null });
  });
});
