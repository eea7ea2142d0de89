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
});
