import { decrypt, encrypt, type Keyring } from '../shared/crypto.js';
import type { BuyerData, RecipientData } from './order-draft.js';

/** Buyer and recipient data leave this module only as ciphertext (to the database) or for display. */

export function sealPersonalData(keyring: Keyring, data: BuyerData | RecipientData | null): string | null {
  return data === null ? null : encrypt(keyring, JSON.stringify(data));
}

export function openPersonalData<T extends BuyerData | RecipientData>(
  keyring: Keyring,
  sealed: string | null,
): T | null {
  return sealed === null ? null : (JSON.parse(decrypt(keyring, sealed)) as T);
}

export function sealText(keyring: Keyring, text: string | null): string | null {
  return text === null ? null : encrypt(keyring, text);
}

export function openText(keyring: Keyring, sealed: string | null): string | null {
  return sealed === null ? null : decrypt(keyring, sealed);
}
