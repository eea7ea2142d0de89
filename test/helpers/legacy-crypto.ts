import { createCipheriv, randomBytes } from 'node:crypto';
import type { Keyring } from '../../src/shared/crypto.js';

/** A value as sellersync wrote it before ciphertexts were bound to their place (format v1, no AAD). */
export function encryptV1(keyring: Keyring, plaintext: string): string {
  const key = keyring.keys.get(keyring.activeKeyId);
  if (!key) throw new Error('no active key');
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  const data = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return ['v1', keyring.activeKeyId, iv, cipher.getAuthTag(), data]
    .map((part) => (typeof part === 'string' ? part : part.toString('base64url')))
    .join('.');
}
