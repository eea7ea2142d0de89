import type { SettlementFormat } from './flat-file.types.js';

/** The columns a file must have to be read as each format, by header name (any order, extra ones ignored). */
export const V2_REQUIRED = [
  'settlement-id',
  'total-amount',
  'transaction-type',
  'order-id',
  'amount-type',
  'amount-description',
  'amount',
] as const;

export const V1_REQUIRED = [
  'settlement-id',
  'total-amount',
  'transaction-type',
  'order-id',
  'price-type',
] as const;

/** V1 rows carry several amounts side by side; each becomes a V2-style line (Amazon's migration map). */
export const V1_AMOUNTS: { amountType: string; typeColumn: string | null; amountColumn: string }[] = [
  { amountType: 'ItemPrice', typeColumn: 'price-type', amountColumn: 'price-amount' },
  { amountType: 'ItemFees', typeColumn: 'item-related-fee-type', amountColumn: 'item-related-fee-amount' },
  { amountType: 'Promotion', typeColumn: 'promotion-type', amountColumn: 'promotion-amount' },
  { amountType: 'Shipment-Fees', typeColumn: 'shipment-fee-type', amountColumn: 'shipment-fee-amount' },
  { amountType: 'Order-Fees', typeColumn: 'order-fee-type', amountColumn: 'order-fee-amount' },
  { amountType: 'DirectPayment', typeColumn: 'direct-payment-type', amountColumn: 'direct-payment-amount' },
  { amountType: 'other-transaction', typeColumn: null, amountColumn: 'misc-fee-amount' },
  {
    amountType: 'other-transaction',
    typeColumn: 'other-fee-reason-description',
    amountColumn: 'other-fee-amount',
  },
  { amountType: 'other-transaction', typeColumn: null, amountColumn: 'other-amount' },
];

export class SettlementFormatError extends Error {
  override name = 'SettlementFormatError';
}

/** Which format a header is, by its column names; throws naming the columns missing for V2. */
export function formatOfHeader(columns: readonly string[]): SettlementFormat {
  const present = new Set(columns);
  if (V2_REQUIRED.every((column) => present.has(column))) return 'v2';
  if (V1_REQUIRED.every((column) => present.has(column))) return 'v1';
  const missing = V2_REQUIRED.filter((column) => !present.has(column));
  throw new SettlementFormatError(
    `not a settlement flat file: the header lacks ${missing.join(', ')} (first columns: ${columns.slice(0, 5).join(', ')})`,
  );
}
