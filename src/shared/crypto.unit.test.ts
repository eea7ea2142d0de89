import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bindingOf, decrypt, DecryptionError, encrypt, keyIdOf, mask, parseKeyring } from './crypto.js';
import { encryptV1 } from '../../test/helpers/legacy-crypto.js';

const hexKey = () => randomBytes(32).toString('hex');
const HERE = bindingOf('companies', 'refresh_token_enc', 7);

describe('encryption at rest', () => {
  it('round-trips text and never stores it in the clear', () => {
    const keyring = parseKeyring('k1', hexKey(), '');
    const secret = 'Atzr|IwEBIA-refresh-token-ünïcødé';
    const ciphertext = encrypt(keyring, secret, HERE);
    expect(ciphertext).not.toContain('Atzr');
    expect(ciphertext.startsWith('v2.k1.')).toBe(true);
    expect(decrypt(keyring, ciphertext, HERE)).toBe(secret);
  });

  it('uses a fresh IV each time', () => {
    const keyring = parseKeyring('k1', hexKey(), '');
    expect(encrypt(keyring, 'same', HERE)).not.toBe(encrypt(keyring, 'same', HERE));
  });

  it('decrypts values written with a previous key after rotation', () => {
    const oldKey = hexKey();
    const before = parseKeyring('k1', oldKey, '');
    const stored = encrypt(before, 'written before rotation', HERE);
    const after = parseKeyring('k2', hexKey(), `k1:${oldKey}`);
    expect(decrypt(after, stored, HERE)).toBe('written before rotation');
    expect(keyIdOf(encrypt(after, 'new', HERE))).toBe('k2');
  });

  it('refuses altered data and unknown keys with a clear error', () => {
    const keyring = parseKeyring('k1', hexKey(), '');
    const stored = encrypt(keyring, 'secret', HERE);
    const parts = stored.split('.');
    parts[4] = Buffer.from('tampered').toString('base64url');
    expect(() => decrypt(keyring, parts.join('.'), HERE)).toThrow(/wrong key, altered data/);
    const other = parseKeyring('k9', hexKey(), '');
    expect(() => decrypt(other, stored, HERE)).toThrow(DecryptionError);
    expect(() => decrypt(other, stored, HERE)).toThrow(/no key with id k1/);
  });

  it('binds a ciphertext to its row and column: copied elsewhere it does not decrypt', () => {
    const keyring = parseKeyring('k1', hexKey(), '');
    const stored = encrypt(keyring, 'Atzr|the-token-of-company-7', HERE);
    expect(() => decrypt(keyring, stored, bindingOf('companies', 'refresh_token_enc', 8))).toThrow(
      /copied from another row or column/,
    );
    expect(() => decrypt(keyring, stored, bindingOf('companies', 'lwa_client_secret_enc', 7))).toThrow(
      DecryptionError,
    );
    expect(() => decrypt(keyring, stored, bindingOf('orders', 'refresh_token_enc', 7))).toThrow(
      DecryptionError,
    );
    expect(decrypt(keyring, stored, bindingOf('companies', 'refresh_token_enc', 7))).toBe(
      'Atzr|the-token-of-company-7',
    );
  });

  it('any two different places have different bindings, so no value moves between them', () => {
    const part = fc.oneof(fc.string(), fc.integer());
    fc.assert(
      fc.property(
        fc.string(),
        fc.string(),
        fc.array(part),
        fc.string(),
        fc.string(),
        fc.array(part),
        (t1, c1, k1, t2, c2, k2) => {
          fc.pre(t1 !== t2 || c1 !== c2 || k1.map(String).join('\u0000') !== k2.map(String).join('\u0000'));
          fc.pre(!/[.:]/.test(t1 + c1 + t2 + c2));
          expect(bindingOf(t1, c1, ...k1)).not.toBe(bindingOf(t2, c2, ...k2));
        },
      ),
    );
  });

  it('still reads v1 values written before binding, wherever they are read from', () => {
    const keyring = parseKeyring('k1', hexKey(), '');
    const legacy = encryptV1(keyring, 'written by an earlier version');
    expect(decrypt(keyring, legacy, HERE)).toBe('written by an earlier version');
    const altered = legacy.split('.');
    altered[4] = Buffer.from('tampered').toString('base64url');
    expect(() => decrypt(keyring, altered.join('.'), HERE)).toThrow(DecryptionError);
    expect(() => decrypt(keyring, legacy.replace(/^v1/, 'v3'), HERE)).toThrow(/not a sellersync ciphertext/);
  });

  it('accepts base64 keys and rejects short ones', () => {
    expect(() => parseKeyring('k1', randomBytes(32).toString('base64'), '')).not.toThrow();
    expect(() => parseKeyring('k1', randomBytes(16).toString('hex'), '')).toThrow(/256-bit/);
    expect(() => parseKeyring('k1', hexKey(), 'nocolon')).toThrow(/keyId:key/);
  });

  it('masks secrets for display', () => {
    expect(mask('Atzr|IwEBIAexample')).toBe('Atzr…(18)');
    expect(mask('short')).toBe('****');
  });
});
