import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

/**
 * AES-256-GCM encryption for secrets and buyer data at rest.
 *
 * A ciphertext is `v2.<keyId>.<iv>.<tag>.<data>` (base64url parts). The key id lets the active key be
 * rotated: new values are written with the active key, older ones still decrypt with a previous key.
 *
 * A v2 ciphertext is bound to where it is stored (`binding`, e.g. `companies.refresh_token_enc:7`, used as
 * AES-GCM associated data): copied into another row or column it no longer decrypts. `v1` values, written
 * before binding existed, carry no associated data; they are still read, and replaced by v2 the next
 * time the value is written.
 */

export interface Keyring {
  activeKeyId: string;
  keys: ReadonlyMap<string, Buffer>;
}

const FORMAT = 'v2';
const UNBOUND_FORMAT = 'v1';

export function parseKey(name: string, text: string): Buffer {
  const trimmed = text.trim();
  const key = /^[0-9a-fA-F]{64}$/.test(trimmed)
    ? Buffer.from(trimmed, 'hex')
    : Buffer.from(trimmed, 'base64');
  if (key.length !== 32) {
    throw new Error(`${name}: expected a 256-bit key as 64 hex characters or 44 base64 characters`);
  }
  return key;
}

/**
 * Why a key that has the right length is still not a key: all zero, a repeated pattern, or text typed as
 * a passphrase. 32 random bytes have about 30 distinct values and are all printable with a chance of 1e-14.
 */
export function keyStrengthProblem(text: string): string | undefined {
  let key: Buffer;
  try {
    key = parseKey('ENCRYPTION_KEY', text);
  } catch {
    return undefined; // the length problem is reported by parseKeyring
  }
  const advice = 'generate one with `openssl rand -hex 32`';
  const distinct = new Set(key).size;
  if (distinct < 16) {
    return `not a random key (only ${distinct} distinct byte values: all zero, repeated or a pattern); ${advice}`;
  }
  if (key.every((byte) => byte >= 0x20 && byte < 0x7f)) {
    return `not a random key (every byte is printable text, a passphrase); ${advice}`;
  }
  return undefined;
}

/** `previous` is a comma-separated list of `keyId:key` pairs still accepted for decryption. */
export function parseKeyring(activeKeyId: string, activeKey: string, previous: string): Keyring {
  const keys = new Map<string, Buffer>();
  for (const entry of previous
    .split(',')
    .map((e) => e.trim())
    .filter(Boolean)) {
    const separator = entry.indexOf(':');
    if (separator <= 0) throw new Error('ENCRYPTION_PREVIOUS_KEYS: expected comma-separated keyId:key pairs');
    const id = entry.slice(0, separator);
    keys.set(id, parseKey(`ENCRYPTION_PREVIOUS_KEYS (${id})`, entry.slice(separator + 1)));
  }
  keys.set(activeKeyId, parseKey('ENCRYPTION_KEY', activeKey));
  return { activeKeyId, keys };
}

export class DecryptionError extends Error {
  override name = 'DecryptionError';
}

/** Where a ciphertext lives: its table, column and row key; the associated data that binds it there. */
export function bindingOf(table: string, column: string, ...rowKey: (string | number)[]): string {
  return `${table}.${column}:${rowKey.map((part) => encodeURIComponent(String(part))).join('/')}`;
}

export function encrypt(keyring: Keyring, plaintext: string, binding: string): string {
  const key = keyring.keys.get(keyring.activeKeyId);
  if (!key) throw new Error(`active key ${keyring.activeKeyId} missing from keyring`);
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(binding, 'utf8'));
  const data = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  const tag = cipher.getAuthTag();
  return [FORMAT, keyring.activeKeyId, iv, tag, data]
    .map((part) => (typeof part === 'string' ? part : part.toString('base64url')))
    .join('.');
}

export function decrypt(keyring: Keyring, ciphertext: string, binding: string): string {
  const [format, keyId, iv, tag, data] = ciphertext.split('.');
  if ((format !== FORMAT && format !== UNBOUND_FORMAT) || !keyId || !iv || !tag || data === undefined) {
    throw new DecryptionError('value is not a sellersync ciphertext');
  }
  const key = keyring.keys.get(keyId);
  if (!key) throw new DecryptionError(`no key with id ${keyId} is configured (ENCRYPTION_PREVIOUS_KEYS?)`);
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'));
    if (format === FORMAT) decipher.setAAD(Buffer.from(binding, 'utf8'));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([decipher.update(Buffer.from(data, 'base64url')), decipher.final()]).toString(
      'utf8',
    );
  } catch {
    throw new DecryptionError(
      `ciphertext does not decrypt with key ${keyId} for ${binding}: wrong key, altered data, or a value copied from another row or column`,
    );
  }
}

export function keyIdOf(ciphertext: string): string | undefined {
  return ciphertext.split('.')[1];
}

/** Shows that a secret is set without showing it: `Atzr…(73)`. */
export function mask(secret: string): string {
  return secret.length <= 8 ? '****' : `${secret.slice(0, 4)}…(${secret.length})`;
}
