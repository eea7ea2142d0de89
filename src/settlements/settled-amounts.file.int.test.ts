import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addTestCompany } from '../../test/helpers/companies.js';
import { createTestContext, type TestContext } from '../../test/helpers/context.js';
import { listOpenDiscrepancies } from './discrepancies.repository.js';
import { V2_COLUMNS } from './settlement-file.test-support.js';
import { importSettlementFile } from './settlements.import.js';

/** Settled amounts against the order's, on a settlement file written by hand. */

const NOW = new Date('2026-07-03T00:00:00Z');
let context: TestContext;
let companyId: number;

beforeAll(async () => {
  context = await createTestContext();
  companyId = (await addTestCompany(context)).id;
});
afterAll(async () => context.cleanup());

interface StoredItem {
  orderItemId: string;
  ordered: number;
  shipped: number;
  price: string;
  tax: string;
  shipping: string;
  shippingTax: string;
}

async function storeOrder(amazonOrderId: string, item: StoredItem) {
  const order = await context.db
    .insertInto('orders')
    .values({
      company_id: companyId,
      amazon_order_id: amazonOrderId,
      marketplace_id: 'ATVPDKIKX0DER',
      sales_channel: 'Amazon.com',
      purchase_date: new Date('2026-06-15T10:00:00Z'),
      last_updated_at: new Date('2026-06-16T10:00:00Z'),
      status: 'Shipped',
      fulfillment_channel: 'MFN',
      currency: 'USD',
      payment_status: 'complete',
      first_seen_source: 'test',
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  await context.db
    .insertInto('order_items')
    .values({
      order_id: order.id,
      order_item_id: item.orderItemId,
      quantity_ordered: item.ordered,
      quantity_shipped: item.shipped,
      currency: 'USD',
      item_price: item.price,
      item_tax: item.tax,
      shipping_price: item.shipping,
      shipping_tax: item.shippingTax,
    })
    .execute();
}

type Sale = [orderId: string, itemCode: string, description: string, amount: string, quantity: string];

function settlementFile(name: string, sales: Sale[]): string {
  const total = sales.reduce((sum, [, , , amount]) => sum + Math.round(Number(amount) * 100), 0);
  const row = (values: Partial<Record<(typeof V2_COLUMNS)[number], string>>) =>
    V2_COLUMNS.map((column) => values[column] ?? '').join('\t');
  const lines = [
    V2_COLUMNS.join('\t'),
    row({
      'settlement-id': '90000000001',
      'settlement-start-date': '2026-06-16 00:00:00 UTC',
      'settlement-end-date': '2026-06-30 00:00:00 UTC',
      'deposit-date': '2026-07-02 00:00:00 UTC',
      'total-amount': (total / 100).toFixed(2),
      currency: 'USD',
    }),
    ...sales.map(([orderId, itemCode, description, amount, quantity]) =>
      row({
        'settlement-id': '90000000001',
        currency: 'USD',
        'transaction-type': 'Order',
        'order-id': orderId,
        'shipment-id': `S-${orderId}`,
        'marketplace-name': 'Amazon.com',
        'amount-type': 'ItemPrice',
        'amount-description': description,
        amount,
        'fulfillment-id': 'MFN',
        'posted-date-time': '2026-06-17 08:14:22 UTC',
        'order-item-code': itemCode,
        'quantity-purchased': description === 'Principal' ? quantity : '',
      }),
    ),
  ];
  const path = join(tmpdir(), `${name}-${process.pid}.txt`);
  writeFileSync(path, `${lines.join('\n')}\n`);
  return path;
}

const differing = async () =>
  (await listOpenDiscrepancies(context.db, companyId)).filter((row) => row.kind === 'settled_amount_differs');

describe('settled amounts of a hand-made file', () => {
  it('flags the tax settled short with both amounts, leaves a partly settled item alone, and clears on a corrected reissue', async () => {
    const item = { ordered: 1, shipped: 1, shipping: '3.99', shippingTax: '0.32' };
    await storeOrder('111-0000001-0000001', {
      ...item,
      orderItemId: '60000000001',
      price: '25.00',
      tax: '2.00',
    });
    await storeOrder('111-0000001-0000002', {
      ...item,
      orderItemId: '60000000002',
      price: '10.00',
      tax: '0.80',
    });
    await storeOrder('111-0000001-0000003', {
      ...item,
      orderItemId: '60000000003',
      ordered: 3,
      shipped: 3,
      price: '30.00',
      tax: '2.40',
    });
    const sales = (tax: string): Sale[] => [
      ['111-0000001-0000001', '60000000001', 'Principal', '25.00', '1'],
      ['111-0000001-0000001', '60000000001', 'Tax', '2.00', ''],
      ['111-0000001-0000001', '60000000001', 'Shipping', '3.99', ''],
      ['111-0000001-0000001', '60000000001', 'ShippingTax', '0.32', ''],
      ['111-0000001-0000002', '60000000002', 'Principal', '10.00', '1'],
      ['111-0000001-0000002', '60000000002', 'Tax', tax, ''],
      ['111-0000001-0000002', '60000000002', 'Shipping', '3.99', ''],
      ['111-0000001-0000002', '60000000002', 'ShippingTax', '0.32', ''],
      // Two of three units: the third is in a later settlement, so nothing is compared yet.
      ['111-0000001-0000003', '60000000003', 'Principal', '20.00', '2'],
    ];
    const importWithTax = (name: string, tax: string) =>
      importSettlementFile(context.db, companyId, settlementFile(name, sales(tax)), NOW);
    const short = await importWithTax('short', '0.70');
    expect(short.reconciled.amounts_differ).toBe(1);
    const [flagged, ...others] = await differing();
    expect(others).toEqual([]);
    expect(flagged).toMatchObject({
      amazon_order_id: '111-0000001-0000002',
      key: '111-0000001-0000002:60000000002',
      detail: {
        orderItemId: '60000000002',
        settlementIds: ['90000000001'],
        components: ['Tax'],
        settled: { Principal: '10.00', Tax: '1.02', Shipping: '3.99' },
        order: { Principal: '10.00', Tax: '1.12', Shipping: '3.99' },
        problem: 'Tax settled 1.02, the order says 1.12',
      },
    });

    const corrected = await importWithTax('corrected', '0.80');
    expect(corrected.reconciled.amounts_differ).toBe(0);
    expect(await differing()).toEqual([]);
    const resolved = await context.db
      .selectFrom('settlement_discrepancies')
      .select('resolved_at')
      .where('id', '=', flagged!.id)
      .executeTakeFirstOrThrow();
    expect(resolved.resolved_at).toEqual(NOW);
  });
});
