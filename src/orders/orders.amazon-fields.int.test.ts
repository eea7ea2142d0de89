import nock from 'nock';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { commandStderr, runCliProcess } from '../../test/helpers/cli.js';
import { createTestContext, type TestContext } from '../../test/helpers/context.js';
import type { Company } from '../companies/companies.service.js';
import { saveCursor } from '../jobs/sync-cursors.repository.js';
import {
  amazonClockAt,
  exampleOrder,
  nockedCompany,
  pendingAmazonCalls,
  SP_API,
} from './amazon-nock.test-support.js';
import { eraseExpiredBuyerData } from './buyer-data.retention.js';
import { deflatedZip, runDownload, testGateway } from './download.test-support.js';
import { ORDERS_STREAM } from './download-window.js';
import type { OrderDetails } from './orders.service.js';
import { lockOrderForShipping } from './orders.shipping.js';

/** Every field Amazon sends that a seller uses is stored and shown by `orders show`, from Amazon's own payloads. */

const AMAZON_DATE = 'Sat, 21 Nov 2026 22:58:00 GMT';
const NOW = () => new Date(Date.parse(AMAZON_DATE));
const EXAMPLE_ID = '123-4567890-1234567';
const CANCELLED_ID = '123-4567890-2222222';
const NEW_PROGRAM_ID = '123-4567890-3333333';

/** An Amazon Custom document (version 3.0): a text area with its font and colour, and an option. */
const CUSTOMIZATION = {
  'version3.0': {
    customizationInfo: {
      surfaces: [
        {
          name: 'Front',
          areas: [
            {
              customizationType: 'TextPrinting',
              name: 'Engraving',
              label: 'Engraving',
              text: 'For Anna',
              fontFamily: 'Great Vibes',
              colorName: 'Gold',
              fill: '#D4AF37',
            },
            { customizationType: 'Options', name: 'Finish', label: 'Finish', optionValue: 'Matte' },
          ],
        },
      ],
    },
  },
};

let context: TestContext;
let company: Company;

beforeAll(async () => {
  nock.disableNetConnect();
  nock.enableNetConnect('127.0.0.1');
  context = await createTestContext();
  // Amazon's clock (the nocked Date header) is ours too, in the CLI's process as CLOCK_START.
  context.now = NOW;
  company = await nockedCompany(context);
  await saveCursor(context.db, company.id, ORDERS_STREAM, {
    committedUntil: '2026-11-21T22:00:00.000Z',
    clockOffsetMs: 0,
  });
});

afterAll(async () => {
  nock.cleanAll();
  nock.enableNetConnect();
  await context.cleanup();
});

/** Amazon's example order cancelled before it shipped: nothing fulfilled, nothing left to fulfil. */
function cancelledOrder(): Record<string, unknown> {
  const order = exampleOrder();
  const items = (order.orderItems as Record<string, unknown>[]).map((item) => {
    const { customization: _none, ...product } = item.product as Record<string, unknown>;
    return {
      ...item,
      product,
      cancellation: { cancellationExecution: { cancelledBy: 'BUYER', cancelReason: 'Changed mind' } },
      fulfillment: { quantityFulfilled: 0, quantityUnfulfilled: 0 },
    };
  });
  return {
    ...order,
    orderId: CANCELLED_ID,
    orderAliases: [],
    packages: [],
    fulfillment: { ...(order.fulfillment as object), fulfillmentStatus: 'CANCELLED' },
    orderItems: items,
  };
}

/** Amazon's example order in a program and a service level Amazon has added since. */
function newProgramOrder(): Record<string, unknown> {
  const order = cancelledOrder();
  return {
    ...order,
    orderId: NEW_PROGRAM_ID,
    programs: ['PRIME', 'AMAZON_DRONE_DELIVERY'],
    fulfillment: {
      ...(order.fulfillment as object),
      fulfillmentStatus: 'UNSHIPPED',
      fulfillmentServiceLevel: 'HYPERSPEED',
    },
  };
}

async function show(...flags: string[]): Promise<OrderDetails> {
  const result = await runCliProcess(['orders', 'show', ...flags, '--json'], context.childEnv());
  expect(commandStderr(result)).toBe('');
  return JSON.parse(result.stdout) as OrderDetails;
}

describe('Amazon’s fields, stored and shown', { timeout: 120_000 }, () => {
  it('keeps the alias, programs, packages, gift options, price designation, customization and cancelled units', async () => {
    amazonClockAt(AMAZON_DATE);
    nock(SP_API)
      .get('/orders/2026-01-01/orders')
      .query(true)
      .reply(
        200,
        {
          orders: [exampleOrder(), cancelledOrder(), newProgramOrder()],
          lastUpdatedBefore: '2026-11-21T22:56:00Z',
        },
        { Date: AMAZON_DATE },
      );
    nock('https://amazon.com')
      .get('/custom/view/12345')
      .reply(200, deflatedZip('12345678901234.json', Buffer.from(JSON.stringify(CUSTOMIZATION))));

    const counts = await runDownload(context, { company, amazon: testGateway(context) }, { now: NOW });
    expect(counts).toMatchObject({ inserted: 3, customizations: 1 });
    expect(pendingAmazonCalls()).toEqual([]);

    const example = await show(EXAMPLE_ID);
    expect(example.order).toMatchObject({
      sellerOrderId: 'SELLER-ORDER-2024-001',
      programs: ['PRIME', 'AMAZON_BUSINESS'],
      unknownValues: [],
      packages: [
        {
          packageReferenceId: 'PKG-2024-001',
          carrier: 'UPS',
          trackingNumber: '1Z999AA1234567890',
          shippingService: 'UPS Ground',
          shipTime: '2024-12-25T14:00:00Z',
          status: 'DELIVERED',
          items: [
            { orderItemId: '12345678901234', quantity: 2 },
            { orderItemId: '12345678901235', quantity: 1 },
          ],
        },
      ],
      note: 'Engraving: "For Anna" (font Great Vibes, colour Gold); Finish: Matte',
    });
    expect(example.items).toMatchObject([
      {
        orderItemId: '12345678901234',
        priceDesignation: 'BUSINESS_PRICE',
        giftWrapLevel: 'PREMIUM',
        hasGiftMessage: true,
        quantityCancelled: 0,
        customizationSummary: 'Engraving: "For Anna" (font Great Vibes, colour Gold); Finish: Matte',
      },
      { orderItemId: '12345678901235', priceDesignation: null, giftWrapLevel: null, hasGiftMessage: false },
    ]);
    // Feeds can name the order by the seller's own id (MerchantOrderID).
    const shippable = await context.db
      .transaction()
      .execute((tx) => lockOrderForShipping(tx, company.id, EXAMPLE_ID));
    expect(shippable?.sellerOrderId).toBe('SELLER-ORDER-2024-001');
    // The gift message and the customization are the buyer's words: only with --buyer-data.
    expect(JSON.stringify(example)).not.toContain('Happy Holidays');
    const withBuyerData = await show(EXAMPLE_ID, '--buyer-data');
    expect(withBuyerData.itemBuyerData).toEqual([
      {
        orderItemId: '12345678901234',
        giftMessage: 'Happy Holidays! Enjoy your new smart speakers.',
        customization: CUSTOMIZATION,
      },
    ]);

    const cancelled = await show(CANCELLED_ID);
    expect(cancelled.order.status).toBe('Canceled');
    expect(cancelled.items.map((i) => [i.quantityOrdered, i.quantityCancelled])).toEqual([
      [2, 2],
      [1, 1],
    ]);

    const newProgram = await show(NEW_PROGRAM_ID);
    expect(newProgram.order).toMatchObject({
      programs: ['PRIME', 'AMAZON_DRONE_DELIVERY'],
      unknownValues: [
        { field: 'programs[]', value: 'AMAZON_DRONE_DELIVERY' },
        { field: 'fulfillment.fulfillmentServiceLevel', value: 'HYPERSPEED' },
      ],
      subtypes: ['Prime', 'Replacement'],
    });
    const text = await runCliProcess(['orders', 'show', NEW_PROGRAM_ID], context.childEnv());
    expect(text.stdout).toContain('programs[]=AMAZON_DRONE_DELIVERY');
  });

  it('erases the gift message with the rest of the buyer data', async () => {
    const erased = await eraseExpiredBuyerData(context.db, company.id, 30, new Date('2027-06-01T00:00:00Z'));
    expect(erased).toBeGreaterThanOrEqual(1);
    const withBuyerData = await show(EXAMPLE_ID, '--buyer-data');
    expect(withBuyerData.itemBuyerData).toEqual([]);
    expect(withBuyerData.items[0]).toMatchObject({ hasGiftMessage: false, giftWrapLevel: 'PREMIUM' });
  });
});
