import { bindingOf, decrypt, encrypt, type Keyring } from '../shared/crypto.js';
import type { BuyerData, RecipientData } from './order-draft.js';

/**
 * Buyer and recipient data leave this module only as ciphertext (to the database) or for display. Each
 * ciphertext is bound to its order (company and Amazon order id) or order item, and to its column.
 */

export type PersonalColumn = 'buyer_enc' | 'recipient_enc';
export type ItemTextColumn = 'customized_url_enc' | 'customization_raw_enc' | 'gift_message_enc';

export interface OrderKey {
  companyId: number;
  amazonOrderId: string;
}

export interface ItemKey {
  orderId: number;
  orderItemId: string;
}

const orderBinding = (column: PersonalColumn, key: OrderKey) =>
  bindingOf('orders', column, key.companyId, key.amazonOrderId);
const itemBinding = (column: ItemTextColumn, key: ItemKey) =>
  bindingOf('order_items', column, key.orderId, key.orderItemId);

export function sealPersonalData(
  keyring: Keyring,
  data: BuyerData | RecipientData | null,
  column: PersonalColumn,
  key: OrderKey,
): string | null {
  return data === null ? null : encrypt(keyring, JSON.stringify(data), orderBinding(column, key));
}

export function openPersonalData<T extends BuyerData | RecipientData>(
  keyring: Keyring,
  sealed: string | null,
  column: PersonalColumn,
  key: OrderKey,
): T | null {
  return sealed === null ? null : (JSON.parse(decrypt(keyring, sealed, orderBinding(column, key))) as T);
}

export function sealText(
  keyring: Keyring,
  text: string | null,
  column: ItemTextColumn,
  key: ItemKey,
): string | null {
  return text === null ? null : encrypt(keyring, text, itemBinding(column, key));
}

export function openText(
  keyring: Keyring,
  sealed: string | null,
  column: ItemTextColumn,
  key: ItemKey,
): string | null {
  return sealed === null ? null : decrypt(keyring, sealed, itemBinding(column, key));
}
