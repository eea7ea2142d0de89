import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { readCustomization, summarizeCustomization } from './customization.js';
import { sumDecimals } from './decimal.js';
import { readAllOrdersReport, ReportFormatError } from './report-rows.js';
import { deflatedZip } from './download.test-support.js';
import type { OrderDraft } from './order-draft.js';

async function readBatches(text: string) {
  const batches = [];
  for await (const batch of readAllOrdersReport(Readable.from([text]), 'R1', 2)) batches.push(batch);
  return batches;
}

async function readAll(text: string) {
  return (await readBatches(text)).map((batch) => batch.drafts);
}

const HEADER = [
  'amazon-order-id',
  'purchase-date',
  'last-updated-date',
  'order-status',
  'fulfillment-channel',
  'sales-channel',
  'ship-service-level',
  'sku',
  'asin',
  'item-status',
  'quantity',
  'currency',
  'item-price',
  'item-tax',
  'shipping-price',
  'item-promotion-discount',
  'is-business-order',
  'is-buyer-requested-cancelation',
  'merchant-order-id',
  'price-designation',
  'gift-wrap-price',
  'gift-wrap-tax',
  'ship-promotion-discount',
].join('\t');

function line(values: Record<string, string>): string {
  return HEADER.split('\t')
    .map((column) => values[column] ?? '')
    .join('\t');
}

describe('reading the all-orders flat file by header name', () => {
  it('reads Amazon’s real sample row (columns in Amazon’s order, Cancelled item on a Shipped order)', async () => {
    const sample = readFileSync(
      resolve(
        process.cwd(),
        '../shared/amazon/samples/all-orders-flatfile.scrubbed-row.radutoev-affilitates.tsv',
      ),
      'utf8',
    );
    const [batch] = await readAll(sample);
    expect(batch).toHaveLength(1);
    expect(batch?.[0]).toMatchObject({
      amazonOrderId: 'scrubbed',
      purchaseDate: new Date('2017-06-17T08:04:21Z'),
      status: 'Shipped',
      fulfillmentChannel: 'AFN',
      salesChannel: 'Amazon.it',
      subtypes: ['Second Day'],
      orderTotal: '89.95',
      currency: 'EUR',
      complete: false,
    });
    expect(batch?.[0]?.items[0]).toMatchObject({
      quantityOrdered: 1,
      quantityCancelled: 1,
      itemPrice: '89.95',
      priceDesignation: null,
    });
    expect(batch?.[0]?.sellerOrderId).toBe('scrubbed');
  });

  it('groups an order’s lines wherever they are, sums its total exactly and batches the orders', async () => {
    const common = {
      'purchase-date': '2026-11-20T10:00:00+00:00',
      'last-updated-date': '2026-11-20T11:00:00+00:00',
      'fulfillment-channel': 'Merchant',
      'sales-channel': 'Non-Amazon',
      currency: 'USD',
      'item-status': 'Unshipped',
    };
    const text = [HEADER.split('\t').reverse().join('\t')].join('\n');
    const reversed = (values: Record<string, string>) => line(values).split('\t').reverse().join('\t');
    const body = [
      text,
      reversed({
        ...common,
        'amazon-order-id': 'A',
        'order-status': 'Unshipped',
        sku: 'S1',
        quantity: '2',
        'item-price': '0.10',
        'item-tax': '0.20',
        'is-business-order': 'true',
      }),
      reversed({
        ...common,
        'amazon-order-id': 'B',
        'order-status': 'Pending',
        sku: 'S2',
        quantity: '1',
        'item-price': '5.00',
      }),
      reversed({
        ...common,
        'amazon-order-id': 'A',
        'order-status': 'Unshipped',
        sku: 'S3',
        quantity: '1',
        'item-price': '19.99',
        'item-promotion-discount': '-1.00',
        'is-buyer-requested-cancelation': 'true',
      }),
      reversed({
        ...common,
        'amazon-order-id': 'C',
        'order-status': 'Canceled',
        sku: 'S4',
        quantity: '1',
        'item-status': 'Cancelled',
      }),
    ].join('\n');
    const batches = await readAll(body);
    expect(batches.map((b) => b.length)).toEqual([2, 1]);
    const a = batches[0]?.find((d) => d.amazonOrderId === 'A');
    expect(a?.items.map((i) => i.sku)).toEqual(['S1', 'S3']);
    expect(a?.orderTotal).toBe('19.29');
    expect(a).toMatchObject({
      isCheckoutByAmazon: true,
      subtypes: ['Business'],
      cancelRequest: { reason: null },
      status: 'Unshipped',
    });
    expect(batches[0]?.find((d) => d.amazonOrderId === 'B')?.paymentStatus).toBe('pending');
    expect(batches[1]?.[0]).toMatchObject({ amazonOrderId: 'C', status: 'Canceled', orderTotal: null });
  });

  it('sets aside an order it cannot read, naming the report, order and column, and reads the rest', async () => {
    const base = {
      'purchase-date': '2026-11-20T10:00:00+00:00',
      'last-updated-date': '2026-11-20T10:00:00+00:00',
      'order-status': 'Unshipped',
      'fulfillment-channel': 'Merchant',
      quantity: '1',
    };
    const body = [
      HEADER,
      line({ ...base, 'amazon-order-id': 'X', 'order-status': 'Teleported' }),
      line({ ...base, 'amazon-order-id': 'Y', sku: 'Y1' }),
      line({ ...base, 'amazon-order-id': '', sku: 'lost' }),
      line({ ...base, 'amazon-order-id': 'Z', 'item-price': 'twelve' }),
      line({ ...base, 'amazon-order-id': 'W', sku: 'W1' }),
      line({ ...base, 'amazon-order-id': 'V', sku: 'V1' }),
      // Y's second line comes after its batch was handed over: Y is asked for again, not half-stored twice.
      line({ ...base, 'amazon-order-id': 'Y', sku: 'Y2' }),
    ].join('\n');
    const batches = await readBatches(body);
    expect(batches.flatMap((b) => b.drafts.map((d) => d.amazonOrderId))).toEqual(['Y', 'W', 'V']);
    expect(batches.flatMap((b) => b.rejected)).toEqual([
      { orderId: null, problem: 'report R1 line 4: amazon-order-id is empty' },
      { orderId: 'X', problem: 'report R1 order X: order-status "Teleported" is not a known status' },
      { orderId: 'Z', problem: 'report R1 order Z: item-price "twelve" is not a decimal' },
      {
        orderId: 'Y',
        problem: 'report R1 line 8: order Y has lines apart from its others; its copy is asked for again',
      },
    ]);
    // A report without the columns it is read by cannot be read at all.
    await expect(readAll('amazon-order-id\tsku\nA\tB\n')).rejects.toThrow(ReportFormatError);
  });

  it('keeps the seller’s order id and the business price designation', async () => {
    const body = [
      HEADER,
      line({
        'amazon-order-id': 'B1',
        'merchant-order-id': 'PO-7781',
        'purchase-date': '2026-11-20T10:00:00+00:00',
        'last-updated-date': '2026-11-20T10:00:00+00:00',
        'order-status': 'Unshipped',
        'fulfillment-channel': 'Merchant',
        quantity: '1',
        'price-designation': 'BusinessPrice',
      }),
    ].join('\n');
    const [[draft]] = (await readAll(body)) as [[OrderDraft]];
    expect(draft.sellerOrderId).toBe('PO-7781');
    expect(draft.items[0]?.priceDesignation).toBe('BUSINESS_PRICE');
  });

  it('keeps the gift wrap price and tax and the shipping promotion discount per line', async () => {
    const body = [
      HEADER,
      line({
        'amazon-order-id': 'G1',
        'purchase-date': '2026-11-20T10:00:00+00:00',
        'last-updated-date': '2026-11-20T10:00:00+00:00',
        'order-status': 'Shipped',
        'fulfillment-channel': 'Merchant',
        quantity: '1',
        'item-price': '10.00',
        'gift-wrap-price': '3.99',
        'gift-wrap-tax': '0.32',
        'shipping-price': '4.99',
        'ship-promotion-discount': '-4.99',
      }),
    ].join('\n');
    const [[draft]] = (await readAll(body)) as [[OrderDraft]];
    expect(draft.items[0]).toMatchObject({
      giftWrapPrice: '3.99',
      giftWrapTax: '0.32',
      shipPromotionDiscount: '-4.99',
    });
    expect(draft.orderTotal).toBe('14.31');
  });

  it('holds one batch at a time, however long the report', async () => {
    const base = {
      'purchase-date': '2026-11-20T10:00:00+00:00',
      'last-updated-date': '2026-11-20T10:00:00+00:00',
      'order-status': 'Shipped',
      'fulfillment-channel': 'Amazon',
      quantity: '1',
    };
    let produced = 0;
    async function* lines() {
      yield `${HEADER}\n`;
      for (let i = 0; i < 10_000; i++) {
        produced++;
        yield `${line({ ...base, 'amazon-order-id': `O${i}` })}\n`;
      }
    }
    const seen: number[] = [];
    for await (const batch of readAllOrdersReport(Readable.from(lines()), 'R2', 100)) {
      // The reader is at most a batch (and a stream chunk) ahead of what it hands over.
      seen.push(produced - (seen.length + 1) * 100);
      expect(batch.drafts).toHaveLength(100);
    }
    expect(seen).toHaveLength(100);
    expect(Math.max(...seen)).toBeLessThan(200);
  });
});

describe('exact decimals', () => {
  it('adds amounts without floating-point error and subtracts discounts whatever their sign', () => {
    expect(sumDecimals(['0.1', '0.2'])).toBe('0.30');
    expect(sumDecimals(['19.99', '0.01'], ['-1.00', '2'])).toBe('17.00');
    expect(sumDecimals(['-5.5'])).toBe('-5.50');
  });
});

describe('Amazon Custom customization', () => {
  const document = {
    'version3.0': {
      customizationInfo: {
        surfaces: [
          {
            name: 'Surface 1',
            areas: [
              { customizationType: 'TextPrinting', label: 'Engraving', name: 'Engraving', text: 'For Anna' },
              { customizationType: 'Options', label: 'Font', name: 'Font', optionValue: 'Script' },
            ],
          },
        ],
      },
    },
  };

  it('summarises the text and option choices for the order note', () => {
    expect(summarizeCustomization(JSON.stringify(document))).toBe('Engraving: "For Anna"; Font: Script');
    const amazonLayout = {
      version: '3.0',
      customizationInfo: { 'version3.0': document['version3.0'].customizationInfo },
    };
    expect(summarizeCustomization(JSON.stringify(amazonLayout))).toBe('Engraving: "For Anna"; Font: Script');
  });

  it('reads the JSON out of a deflated zip as Amazon delivers it', () => {
    const custom = readCustomization(
      deflatedZip('12345678901234.json', Buffer.from(JSON.stringify(document))),
    );
    expect(custom.summary).toBe('Engraving: "For Anna"; Font: Script');
    expect(JSON.parse(custom.raw)).toEqual(document);
  });

  it('names the font, the colour and the option of each choice, in either of Amazon’s layouts', () => {
    const v3 = {
      'version3.0': {
        customizationInfo: {
          surfaces: [
            {
              name: 'Front',
              areas: [
                { label: 'Name', text: 'Anna', fontFamily: 'Great Vibes', colorName: 'Gold' },
                { label: 'Thread', colorName: 'Navy', fill: '#000080' },
              ],
            },
          ],
        },
      },
    };
    expect(summarizeCustomization(JSON.stringify(v3))).toBe(
      'Name: "Anna" (font Great Vibes, colour Gold); Thread: colour Navy',
    );
    const older = {
      customizationData: {
        type: 'CustomizationData',
        children: [
          {
            type: 'FlatContainerCustomization',
            children: [
              {
                type: 'TextCustomization',
                label: 'Line 1',
                inputValue: 'Happy Birthday',
                fontSelection: { family: 'Arial' },
                colorSelection: { name: 'Red', value: '#FF0000' },
              },
              { type: 'OptionCustomization', label: 'Size', optionSelection: { label: 'Large', name: 'L' } },
            ],
          },
        ],
      },
    };
    expect(summarizeCustomization(JSON.stringify(older))).toBe(
      'Line 1: "Happy Birthday" (font Arial, colour Red); Size: Large',
    );
  });

  it('refuses a download that is not a zip', () => {
    expect(() => readCustomization(Buffer.from('<html>expired</html>'))).toThrow(/not a zip/);
  });
});
