import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { validateOrderFeed } from './feed-schema.js';

const EXAMPLES = '../shared/amazon/xsd/examples/';

describe('validateOrderFeed', () => {
  for (const name of readdirSync(EXAMPLES).filter((file) => file.endsWith('.xml'))) {
    const expectValid = !name.includes('INVALID');
    it(`${expectValid ? 'accepts' : 'refuses'} Amazon's example ${name}`, async () => {
      const result = await validateOrderFeed(readFileSync(`${EXAMPLES}${name}`, 'utf8'));
      expect(result.valid).toBe(expectValid);
      expect(result.errors.length > 0).toBe(!expectValid);
    });
  }

  it('names the element and the allowed values when a value is outside the schema', async () => {
    const xml = readFileSync(`${EXAMPLES}order-acknowledgement-cancel.INVALID.example.xml`, 'utf8');
    const result = await validateOrderFeed(xml);
    expect(result.errors[0]).toMatch(/CancelReason/);
    expect(result.errors[0]).toMatch(/NoInventory/);
  });

  it('refuses ill-formed XML with the parser error', async () => {
    const result = await validateOrderFeed('<AmazonEnvelope><Header>');
    expect(result.valid).toBe(false);
    expect(result.errors.join('\n')).toMatch(/parser error/);
  });

  it('validates a feed of 40,000 messages (about 12 MB) without running out of memory', async () => {
    const message = (id: number) =>
      `<Message><MessageID>${id}</MessageID><OrderFulfillment><AmazonOrderID>114-1234567-${String(id).padStart(7, '0')}</AmazonOrderID>` +
      '<FulfillmentDate>2026-01-05T10:00:00Z</FulfillmentDate><FulfillmentData><CarrierCode>UPS</CarrierCode>' +
      '<ShipperTrackingNumber>1Z999AA10123456784</ShipperTrackingNumber></FulfillmentData></OrderFulfillment></Message>';
    const messages = Array.from({ length: 40_000 }, (_, index) => message(index + 1)).join('');
    const xml =
      '<?xml version="1.0" encoding="UTF-8"?><AmazonEnvelope><Header><DocumentVersion>1.01</DocumentVersion>' +
      `<MerchantIdentifier>A1EXAMPLESELLER</MerchantIdentifier></Header><MessageType>OrderFulfillment</MessageType>${messages}</AmazonEnvelope>`;
    expect(xml.length).toBeGreaterThan(10_000_000);
    expect(await validateOrderFeed(xml)).toEqual({ valid: true, errors: [] });
  });
});
