import { XMLParser } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import { validateOrderFeed } from '../amazon/feed-schema.js';
import { element, escapeXml, packDocuments, XmlValueError, type FeedMessageInput } from './feed-envelope.js';

const header = { merchantIdentifier: 'A2EXAMPLE1234', messageType: 'OrderFulfillment' };

function fulfillment(orderId: string, carrierName: string, tracking: string): FeedMessageInput['body'] {
  return element(
    'OrderFulfillment',
    element('AmazonOrderID', orderId),
    element('FulfillmentDate', '2026-11-20T10:00:00Z'),
    element(
      'FulfillmentData',
      element('CarrierName', carrierName),
      element('ShipperTrackingNumber', tracking),
    ),
    element('Item', element('AmazonOrderItemCode', '12345678901234'), element('Quantity', 1)),
  );
}

describe('escapeXml', () => {
  it('escapes markup characters and keeps non-ASCII text', () => {
    expect(escapeXml(`A&B <C> "D" 'E' Müller 東京`)).toBe(
      'A&amp;B &lt;C&gt; &quot;D&quot; &apos;E&apos; Müller 東京',
    );
  });

  it('refuses characters XML cannot carry', () => {
    expect(() => escapeXml('abc\u0001')).toThrow(XmlValueError);
  });
});

describe('packDocuments', () => {
  it('numbers messages from 1 and keeps the MessageID → entity map', () => {
    const [document, ...rest] = packDocuments(header, [
      { entityKind: 'shipment', entityId: 7, body: fulfillment('111-1111111-1111111', 'Carrier', 'T1') },
      { entityKind: 'shipment', entityId: 9, body: fulfillment('111-1111111-1111112', 'Carrier', 'T2') },
    ]);
    expect(rest).toHaveLength(0);
    expect(document!.messages).toEqual([
      { messageId: 1, entityKind: 'shipment', entityId: 7 },
      { messageId: 2, entityKind: 'shipment', entityId: 9 },
    ]);
    const parsed = new XMLParser({ isArray: (name) => name === 'Message' }).parse(document!.content);
    const ids = parsed.AmazonEnvelope.Message.map((m: { MessageID: number }) => m.MessageID);
    expect(ids).toEqual([1, 2]);
  });

  it('produces a document valid against the order-feeds schema, with hostile values surviving a round trip', async () => {
    const name = `Dépôt & "Söhne" <Express>'`;
    const [document] = packDocuments(header, [
      { entityKind: 'shipment', entityId: 1, body: fulfillment('111-1111111-1111111', name, 'ÄÖ&<1>') },
    ]);
    const validation = await validateOrderFeed(document!.content);
    expect(validation.errors).toEqual([]);
    expect(validation.valid).toBe(true);
    const parsed = new XMLParser({ processEntities: true }).parse(document!.content);
    const data = parsed.AmazonEnvelope.Message.OrderFulfillment.FulfillmentData;
    expect(data.CarrierName).toBe(name);
    expect(data.ShipperTrackingNumber).toBe('ÄÖ&<1>');
  });

  it('splits into several documents only when the size limit requires it', () => {
    const inputs = Array.from({ length: 30 }, (_, i) => ({
      entityKind: 'shipment',
      entityId: i + 1,
      body: fulfillment('111-1111111-1111111', 'Carrier', `T${i}`),
    }));
    const oneSize = Buffer.byteLength(packDocuments(header, inputs)[0]!.content);
    expect(packDocuments(header, inputs)).toHaveLength(1);
    const split = packDocuments(header, inputs, Math.ceil(oneSize / 2) + 400);
    expect(split).toHaveLength(2);
    for (const document of split) {
      expect(Buffer.byteLength(document.content)).toBeLessThanOrEqual(Math.ceil(oneSize / 2) + 400);
      expect(document.messages[0]!.messageId).toBe(1);
    }
    expect(split.flatMap((d) => d.messages.map((m) => m.entityId))).toEqual(inputs.map((i) => i.entityId));
  });
});
