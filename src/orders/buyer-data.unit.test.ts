import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { DecryptionError, parseKeyring } from '../shared/crypto.js';
import { openPersonalData, openText, sealPersonalData, sealText } from './buyer-data.js';
import type { BuyerData } from './order-draft.js';

const keyring = parseKeyring('k1', randomBytes(32).toString('hex'), '');
const buyer = { name: 'Jane Buyer', email: 'jane@marketplace.amazon.com' } as unknown as BuyerData;
const order = { companyId: 1, amazonOrderId: '113-1234567-1234567' };

describe('buyer data bound to its order', () => {
  it('opens in its own order and column only', () => {
    const sealed = sealPersonalData(keyring, buyer, 'buyer_enc', order);
    expect(openPersonalData(keyring, sealed, 'buyer_enc', order)).toEqual(buyer);
    const elsewhere = [
      () =>
        openPersonalData(keyring, sealed, 'buyer_enc', { ...order, amazonOrderId: '113-7654321-7654321' }),
      () => openPersonalData(keyring, sealed, 'buyer_enc', { ...order, companyId: 2 }),
      () => openPersonalData(keyring, sealed, 'recipient_enc', order),
    ];
    for (const open of elsewhere) expect(open).toThrow(DecryptionError);
  });

  it('binds an item text to its order item', () => {
    const item = { orderId: 10, orderItemId: '12345678901234' };
    const sealed = sealText(keyring, 'https://zme-caps.amazon.com/t/abc', 'customized_url_enc', item);
    expect(openText(keyring, sealed, 'customized_url_enc', item)).toBe('https://zme-caps.amazon.com/t/abc');
    expect(() => openText(keyring, sealed, 'customized_url_enc', { ...item, orderId: 11 })).toThrow(
      DecryptionError,
    );
    expect(() => openText(keyring, sealed, 'customization_raw_enc', item)).toThrow(DecryptionError);
  });
});
