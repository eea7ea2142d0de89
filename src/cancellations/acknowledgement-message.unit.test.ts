import { XMLParser } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import { validateOrderFeed } from '../amazon/feed-schema.js';
import { packDocuments } from '../feeds/feed-envelope.js';
import { acknowledgementMessage, type CancellationToSend } from './acknowledgement-message.js';

function cancellation(sellerOrderId: string | null): CancellationToSend {
  return {
    id: 7,
    companyId: 1,
    orderId: 3,
    amazonOrderId: '111-2222222-3333333',
    marketplaceId: 'ATVPDKIKX0DER',
    reason: 'NoInventory',
    wholeOrder: true,
    buyerRequested: false,
    forced: false,
    zeroInventory: false,
    state: 'requested',
    feedId: null,
    attempts: 0,
    retryAfter: null,
    lastError: null,
    resultCode: null,
    resultMessage: null,
    requestedAt: new Date('2026-11-20T10:00:00Z'),
    finishedAt: null,
    items: [
      { orderItemRowId: 1, orderItemId: '12345678901234', sku: 'SKU-1', quantity: 1, cancelledBefore: 0 },
    ],
    sellerOrderId,
  };
}

async function sent(sellerOrderId: string | null) {
  const [document] = packDocuments(
    { merchantIdentifier: 'A2EXAMPLE1234', messageType: 'OrderAcknowledgement' },
    [{ entityKind: 'cancellation', entityId: 7, body: acknowledgementMessage(cancellation(sellerOrderId)) }],
  );
  const validation = await validateOrderFeed(document!.content);
  const parsed = new XMLParser({ parseTagValue: false }).parse(document!.content);
  return { validation, content: document!.content, body: parsed.AmazonEnvelope.Message.OrderAcknowledgement };
}

describe('an order acknowledgement (cancellation) message', () => {
  it('carries the seller order id as MerchantOrderID, after AmazonOrderID as Amazon’s schema orders them', async () => {
    const { validation, content, body } = await sent('SO-2026-0042');
    expect(validation.errors).toEqual([]);
    expect(body).toMatchObject({ AmazonOrderID: '111-2222222-3333333', MerchantOrderID: 'SO-2026-0042' });
    expect(content).toMatch(
      /<AmazonOrderID>111-2222222-3333333<\/AmazonOrderID>\s*<MerchantOrderID>SO-2026-0042<\/MerchantOrderID>\s*<StatusCode>/,
    );
  });

  it('names the order by AmazonOrderID alone when it has no seller order id', async () => {
    const { validation, body } = await sent(null);
    expect(validation.errors).toEqual([]);
    expect(body).not.toHaveProperty('MerchantOrderID');
  });

  it('leaves out a seller order id the schema cannot carry (over 50 characters), so the cancellation still goes', async () => {
    const { validation, body } = await sent('X'.repeat(51));
    expect(validation.errors).toEqual([]);
    expect(body).not.toHaveProperty('MerchantOrderID');
  });
});
