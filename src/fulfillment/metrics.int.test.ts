import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Company } from '../companies/companies.service.js';
import { addTestCompany } from '../../test/helpers/companies.js';
import { createTestContext, type TestContext } from '../../test/helpers/context.js';
import { fulfillmentMetrics } from './metrics.js';
import { insertShipment, moveShipments } from './shipments.repository.js';

const DAY = 86_400_000;
const now = new Date('2026-11-21T12:00:00Z');
const at = (days: number) => new Date(now.getTime() + days * DAY);

let context: TestContext;
let company: Company;
let sequence = 0;

/** An order as the download stores it, with one item, and optionally a package confirmed at `confirmedAt`. */
async function order(
  latestShipDays: number,
  shipped?: { carrier: string; tracking: string; confirmedDays: number },
) {
  sequence += 1;
  const amazonOrderId = `113-0000000-${String(sequence).padStart(7, '0')}`;
  const row = await context.db
    .insertInto('orders')
    .values({
      company_id: company.id,
      amazon_order_id: amazonOrderId,
      marketplace_id: 'ATVPDKIKX0DER',
      sales_channel: 'Amazon.com',
      purchase_date: at(-40),
      last_updated_at: at(-40),
      status: shipped ? 'Shipped' : 'Unshipped',
      fulfillment_channel: 'MFN',
      latest_ship_date: at(latestShipDays),
      payment_status: 'complete',
      first_seen_source: 'test',
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  const item = await context.db
    .insertInto('order_items')
    .values({
      order_id: row.id,
      order_item_id: `1000000000${String(sequence).padStart(4, '0')}`,
      quantity_ordered: 1,
    })
    .returning(['id', 'order_item_id'])
    .executeTakeFirstOrThrow();
  if (!shipped) return;
  const shipment = await context.db.transaction().execute((tx) =>
    insertShipment(tx, {
      companyId: company.id,
      orderId: row.id,
      amazonOrderId,
      marketplaceId: 'ATVPDKIKX0DER',
      carrierCode: shipped.carrier,
      carrierName: shipped.carrier === 'Other' ? 'Local Courier' : null,
      shippingMethod: null,
      trackingNumber: shipped.tracking,
      shipDate: at(shipped.confirmedDays),
      shipFrom: {
        name: null,
        line1: '1 Dock Road',
        line2: null,
        city: 'Reno',
        state: null,
        postalCode: null,
        country: 'US',
      },
      items: [{ orderItemRowId: item.id, orderItemId: item.order_item_id, quantity: 1 }],
    }),
  );
  await moveShipments(context.db, [shipment.id], 'confirmed', { confirmed_at: at(shipped.confirmedDays) }, [
    'pending_upload',
  ]);
}

beforeAll(async () => {
  context = await createTestContext();
  company = await addTestCompany(context);
  await order(-2, { carrier: 'UPS', tracking: '1Z999AA10123456784', confirmedDays: -1 }); // late, 10-day window
  await order(1, { carrier: 'Other', tracking: 'LC-1', confirmedDays: -1 }); // on time, tracking not verifiable
  await order(-21, { carrier: 'UPS', tracking: '1Z999AA10123456785', confirmedDays: -20 }); // late, 30-day window only
  await order(2 / 24); // open, ship by in 2 hours: at risk
  await order(-0.5); // open and already late: at risk
  await order(3); // open, plenty of time
});

afterAll(async () => {
  await context?.cleanup();
});

describe('fulfillment metrics', () => {
  it("computes late shipment and valid tracking rates over Amazon's windows, and lists the orders at risk", async () => {
    const [metrics, ...others] = await fulfillmentMetrics(
      context.db,
      company.id,
      company.marketplaceIds,
      24,
      now,
    );
    expect(others).toEqual([]);
    expect(metrics?.marketplaceId).toBe('ATVPDKIKX0DER');
    expect(
      metrics?.lateShipmentRate.map((f) => [f.windowDays, f.numerator, f.denominator, f.meetsTarget]),
    ).toEqual([
      [10, 1, 2, false],
      [30, 2, 3, false],
    ]);
    expect(metrics?.validTrackingRate).toMatchObject({
      windowDays: 30,
      numerator: 2,
      denominator: 3,
      target: 0.95,
      meetsTarget: false,
    });
    expect(metrics?.atRisk.map((r) => r.hoursLeft)).toEqual([-12, 2]);
  });

  it('gives the figures as they stood at a past time: packages confirmed after it are not counted', async () => {
    const [then] = await fulfillmentMetrics(context.db, company.id, company.marketplaceIds, 24, at(-5));
    // Five days ago only the package confirmed 20 days ago existed: late, in both late shipment windows' reach.
    expect(then?.lateShipmentRate.map((f) => [f.windowDays, f.numerator, f.denominator])).toEqual([
      [10, 0, 0],
      [30, 1, 1],
    ]);
    expect(then?.validTrackingRate).toMatchObject({ numerator: 1, denominator: 1 });
  });
});
