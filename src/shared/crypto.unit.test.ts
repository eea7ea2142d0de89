import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { decrypt, DecryptionError, encrypt, keyIdOf, mask, parseKeyring } from './crypto.js';

const hexKey = () => randomBytes(32).toString('hex');

describe('encryption at rest', () => {
  it('round-trips text and never stores it in the clear', () => {
    const keyring = parseKeyring('k1', hexKey(), '');
    const secret = 'Atzr|IwEBIA-refresh-token-ünïcødé';
    const ciphertext = encrypt(keyring, secret);
    expect(ciphertext).not.toContain('Atzr');
    expect(ciphertext.startsWith('v1.k1.')).toBe(true);
    expect(decrypt(keyring, ciphertext)).toBe(secret);
  });

  it('uses a fresh IV each time', () => {
    const keyring = parseKeyring('k1', hexKey(), '');
    expect(encrypt(keyring, 'same')).not.toBe(encrypt(keyring, 'same'));
  });

  it('decrypts values written with a previous key after rotation', () => {
    const oldKey = hexKey();
    const before = parseKeyring('k1', oldKey, '');
    const stored = encrypt(before, 'written before rotation');
    const after = parseKeyring('k2', hexKey(), `k1:${oldKey}`);
    expect(decrypt(after, stored)).toBe('written before rotation');
    expect(keyIdOf(encrypt(after, 'new'))).toBe('k2');
  });

  it('refuses altered data and unknown keys with a clear error', () => {
    const keyring = parseKeyring('k1', hexKey(), '');
    const stored = encrypt(keyring, 'secret');
    const parts = stored.split('.');
    parts[4] = Buffer.from('tampered').toString('base64url');
    expect(() => decrypt(keyring, parts.join('.'))).toThrow(/wrong key or altered data/);
    const other = parseKeyring('k9', hexKey(), '');
    expect(() => decrypt(other, stored)).toThrow(DecryptionError);
    expect(() => decrypt(other, stored)).toThrow(/no key with id k1/);
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
