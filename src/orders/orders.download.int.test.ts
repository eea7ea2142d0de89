import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MINUTE } from '../simulator/clock.js';
import { createTestContext, type TestContext } from '../../test/helpers/context.js';
import { bindingOf, decrypt } from '../shared/crypto.js';
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

async function newSeller(settings: Parameters<typeof simulatedSeller>[1] = {}) {
  const seller = await simulatedSeller(context, settings);
  sellers.push(seller);
  return seller;
}

async function storedOrders(companyId: number) {
  return context.db
    .selectFrom('orders')
    .selectAll()
    .where('company_id', '=', companyId)
    .orderBy('amazon_order_id')
    .execute();
}

async function eventCount(companyId: number): Promise<number> {
  const rows = await context.db
    .selectFrom('order_events')
    .innerJoin('orders', 'orders.id', 'order_events.order_id')
    .select('order_events.id')
    .where('orders.company_id', '=', companyId)
    .execute();
  return rows.length;
}

describe('downloading a seller’s orders from the simulator', () => {
  let seller: SimulatedSeller;
  let ids: Record<string, string>;

  beforeAll(async () => {
    seller = await newSeller();
    const [fba, businessPrime, premium, custom, nonAmazon, pending, amazonCancel, buyerCancel] = placeOrders(
      seller,
      [
        { fulfilledBy: 'AMAZON', programs: ['PRIME'], serviceLevel: 'STANDARD' },
        { fulfilledBy: 'MERCHANT', programs: ['PRIME', 'AMAZON_BUSINESS'], serviceLevel: 'SECOND_DAY' },
        { fulfilledBy: 'MERCHANT', programs: ['PREMIUM'], serviceLevel: 'NEXT_DAY' },
        {
          fulfilledBy: 'MERCHANT',
          programs: [],
          serviceLevel: 'STANDARD',
          items: [{ customized: true, quantity: 1 }],
        },
        { fulfilledBy: 'MERCHANT', programs: [], serviceLevel: 'STANDARD', channel: 'NON_AMAZON' },
        { fulfilledBy: 'MERCHANT', programs: [], serviceLevel: 'STANDARD', pendingMinutes: 600 },
        { fulfilledBy: 'MERCHANT', programs: [], serviceLevel: 'STANDARD', amazonCancelAfterMinutes: 10 },
        {
          fulfilledBy: 'MERCHANT',
          programs: [],
          serviceLevel: 'STANDARD',
          buyerCancelRequestAfterMinutes: 40,
        },
      ],
    );
    ids = { fba, businessPrime, premium, custom, nonAmazon, pending, amazonCancel, buyerCancel } as Record<
      string,
      string
    >;
    seller.server.sim.advance(60 * MINUTE);
    const [replacement] = placeOrders(seller, [
      { fulfilledBy: 'MERCHANT', programs: [], replacementOf: fba ?? '' },
    ]);
    ids.replacement = replacement ?? '';
    seller.server.sim.advance(5 * MINUTE);
  });

  it('stores every Amazon order once, with status, subtypes and purchase date, and skips Checkout by Amazon', async () => {
    const counts = await runDownload(context, seller);
    const expected = simulatedOrders(seller).filter((o) => o.channel === 'AMAZON');
    const stored = await storedOrders(seller.company.id);
    expect(stored.map((o) => o.amazon_order_id)).toEqual(expected.map((o) => o.orderId).sort());
    expect(counts).toMatchObject({ inserted: expected.length, checkoutByAmazonSkipped: 1, pages: 1 });
    const byId = new Map(stored.map((o) => [o.amazon_order_id, o]));
    expect(byId.get(ids.fba ?? '')).toMatchObject({ fulfillment_channel: 'AFN', subtypes: ['Prime'] });
    expect(byId.get(ids.businessPrime ?? '')).toMatchObject({
      fulfillment_channel: 'MFN',
      subtypes: ['Business Prime', 'Second Day'],
      status: 'Unshipped',
      payment_status: 'complete',
    });
    expect(byId.get(ids.premium ?? '')?.subtypes).toEqual(['Premium']);
    expect(byId.get(ids.replacement ?? '')).toMatchObject({
      subtypes: ['Replacement'],
      replaced_order_id: ids.fba,
      status: 'Pending',
      payment_status: 'pending',
    });
    expect(byId.get(ids.pending ?? '')).toMatchObject({ status: 'Pending', payment_status: 'pending' });
    for (const order of expected) {
      expect(byId.get(order.orderId)?.purchase_date.toISOString()).toBe(
        new Date(Math.floor(order.createdTime.getTime() / 1000) * 1000).toISOString(),
      );
      expect(byId.get(order.orderId)?.first_seen_source).toMatch(/^searchOrders:.*#1$/);
    }
  });

  it('puts the customization on the order note and keeps the raw data encrypted', async () => {
    const found = await findOrderWithItems(context.db, seller.company.id, ids.custom ?? '');
    expect(found?.order.note).toMatch(/^Engraving text: ".+" \(font Roboto, colour Black\)$/);
    const item = await context.db
      .selectFrom('order_items')
      .selectAll()
      .where('id', '=', found?.items[0]?.id ?? 0)
      .executeTakeFirstOrThrow();
    expect(item.customization_raw_enc).toMatch(/^v2\./);
    const binding = bindingOf('order_items', 'customization_raw_enc', item.order_id, item.order_item_id);
    expect(
      JSON.parse(decrypt(context.config.keyring, item.customization_raw_enc ?? '', binding)).orderId,
    ).toBe(ids.custom);
  });

  it('records an Amazon cancellation with who cancelled and why, and a buyer’s request as a hold with a deadline', async () => {
    const cancelled = await findOrderWithItems(context.db, seller.company.id, ids.amazonCancel ?? '');
    expect(cancelled?.order).toMatchObject({ status: 'Canceled', cancelledBy: 'AMAZON' });
    expect(cancelled?.order.cancelReason).toBeTruthy();
    const requested = await findOrderWithItems(context.db, seller.company.id, ids.buyerCancel ?? '');
    expect(requested?.order).toMatchObject({ status: 'Unshipped', onHold: true });
    expect(requested?.order.holdReason).toMatch(/^buyer requested cancellation: .+/);
    const requestedAt = requested?.order.cancelRequestedAt?.getTime() ?? 0;
    expect(requested?.order.cancelRespondBy?.getTime()).toBe(requestedAt + 48 * 3_600_000);
    expect(requested?.items[0]?.cancelRequested).toBe(true);
  });

  it('stores buyer and recipient data only as ciphertext, and never logs them', async () => {
    const simOrder = simulatedOrders(seller).find((o) => o.orderId === ids.businessPrime);
    const [raw] = await context.db
      .selectFrom('orders')
      .select(['buyer_enc', 'recipient_enc'])
      .where('company_id', '=', seller.company.id)
      .where('amazon_order_id', '=', ids.businessPrime ?? '')
      .execute();
    expect(raw?.buyer_enc).toMatch(/^v2\./);
    expect(raw?.buyer_enc).not.toContain(simOrder?.buyer.name);
    const at = (column: string) => bindingOf('orders', column, seller.company.id, ids.businessPrime ?? '');
    expect(JSON.parse(decrypt(context.config.keyring, raw?.buyer_enc ?? '', at('buyer_enc'))).name).toBe(
      simOrder?.buyer.name,
    );
    expect(
      JSON.parse(decrypt(context.config.keyring, raw?.recipient_enc ?? '', at('recipient_enc'))).addressLine1,
    ).toBe(simOrder?.address.addressLine1);
    for (const secret of [
      simOrder?.buyer.name,
      simOrder?.buyer.email,
      simOrder?.address.addressLine1,
      simOrder?.address.phone,
    ]) {
      expect(context.logs.text).not.toContain(secret);
    }
    // Amazon-fulfilled orders are not ours to ship: their buyer data is not kept.
    const [fba] = await context.db
      .selectFrom('orders')
      .select(['buyer_enc', 'recipient_enc'])
      .where('company_id', '=', seller.company.id)
      .where('amazon_order_id', '=', ids.fba ?? '')
      .execute();
    expect(fba).toEqual({ buyer_enc: null, recipient_enc: null });
  });

  it('runs again without doubling anything and catches updates through the overlap', async () => {
    const before = await storedOrders(seller.company.id);
    const eventsBefore = await eventCount(seller.company.id);
    seller.server.sim.advance(MINUTE);
    const again = await runDownload(context, seller);
    expect(again.inserted ?? 0).toBe(0);
    expect(await storedOrders(seller.company.id)).toHaveLength(before.length);
    expect(await eventCount(seller.company.id)).toBe(eventsBefore);

    // An update Amazon made before the last window's end but that only became visible afterwards.
    const cursor = await context.db
      .selectFrom('sync_cursors')
      .select('position')
      .where('company_id', '=', seller.company.id)
      .executeTakeFirstOrThrow();
    const windowEnd = new Date((cursor.position as { committedUntil: string }).committedUntil);
    const late = simulatedOrders(seller).find((o) => o.orderId === ids.premium);
    if (!late) throw new Error('premium order missing');
    late.status = 'CANCELLED';
    for (const item of late.items) item.cancelled = item.quantity;
    late.lastUpdatedTime = new Date(windowEnd.getTime() - 60_000);
    seller.server.sim.advance(MINUTE);
    const caught = await runDownload(context, seller);
    expect(caught.updated).toBeGreaterThanOrEqual(1);
    const premium = await findOrderWithItems(context.db, seller.company.id, ids.premium ?? '');
    expect(premium?.order.status).toBe('Canceled');
  });
});

describe('company choices', () => {
  it('imports Checkout by Amazon orders when the company allows them', async () => {
    const seller = await newSeller({ allowCheckoutByAmazonOrders: true });
    const [id] = placeOrders(seller, [{ fulfilledBy: 'MERCHANT', programs: [], channel: 'NON_AMAZON' }]);
    seller.server.sim.advance(40 * MINUTE);
    const counts = await runDownload(context, seller);
    expect(counts.checkoutByAmazonSkipped ?? 0).toBe(0);
    const found = await findOrderWithItems(context.db, seller.company.id, id ?? '');
    expect(found?.order).toMatchObject({ isCheckoutByAmazon: true, salesChannel: 'Non-Amazon' });
  });
});
