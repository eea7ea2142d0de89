import { SETTLEMENT_COLUMNS } from '../simulator/settlement.js';
import { fromCents } from './amounts.js';

/**
 * Generated V2 settlement files in Amazon's real column set, for tests and the benchmark: sales of
 * `orders` orders (principal, tax, shipping, commission, FBA fee), refunds of some of them with the
 * commission given back and the refund administration fee, service fees, reserves and a type no list
 * knows. Deterministic: the same arguments give the same bytes.
 */

/** Amazon's V2 column set, as the simulator writes it. */
export const V2_COLUMNS = SETTLEMENT_COLUMNS;

type Column = (typeof V2_COLUMNS)[number];
export type GeneratedRow = Partial<Record<Column, string>> & { amountCents: number };

export interface GeneratedFileSpec {
  settlementId: string;
  rows: number;
  orders: number;
  /** Added to every sale's principal, in cents: a reissue with changed amounts. */
  principalShiftCents?: number;
  start?: Date;
}

export function orderIdOf(index: number): string {
  const digits = String(1_000_000 + index);
  return `114-${digits.slice(0, 7)}-${String(index * 7919)
    .padStart(7, '0')
    .slice(-7)}`;
}

function utc(date: Date): string {
  return `${date.toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}

function saleRows(index: number, posted: string, shift: number): GeneratedRow[] {
  const principal = 1000 + ((index * 37) % 9000) + shift;
  const tax = Math.round(principal * 0.08);
  const shipping = 499;
  const commission = -Math.round((principal + shipping) * 0.15);
  const base = {
    'transaction-type': 'Order',
    'order-id': orderIdOf(index),
    'shipment-id': `S${index}`,
    'marketplace-name': 'Amazon.com',
    'fulfillment-id': 'AFN',
    'posted-date': posted.slice(0, 10),
    'posted-date-time': posted,
    'order-item-code': String(50_000_000_000 + index),
    sku: `SKU-${index % 500}`,
    'quantity-purchased': '1',
  };
  return [
    { ...base, 'amount-type': 'ItemPrice', 'amount-description': 'Principal', amountCents: principal },
    { ...base, 'amount-type': 'ItemPrice', 'amount-description': 'Tax', amountCents: tax },
    { ...base, 'amount-type': 'ItemPrice', 'amount-description': 'Shipping', amountCents: shipping },
    { ...base, 'amount-type': 'ItemFees', 'amount-description': 'Commission', amountCents: commission },
    {
      ...base,
      'amount-type': 'ItemFees',
      'amount-description': 'FBAPerUnitFulfillmentFee',
      amountCents: -322,
    },
  ];
}

function refundRows(index: number, posted: string, shift: number): GeneratedRow[] {
  const principal = 1000 + ((index * 37) % 9000) + shift;
  const commission = Math.round(principal * 0.15);
  const base = {
    'transaction-type': 'Refund',
    'order-id': orderIdOf(index),
    'adjustment-id': `A${index}`,
    'marketplace-name': 'Amazon.com',
    'fulfillment-id': 'AFN',
    'posted-date': posted.slice(0, 10),
    'posted-date-time': posted,
    'order-item-code': String(50_000_000_000 + index),
    'merchant-adjustment-item-id': index % 20 === 0 ? `MAI-${index}` : '',
    sku: `SKU-${index % 500}`,
  };
  return [
    { ...base, 'amount-type': 'ItemPrice', 'amount-description': 'Principal', amountCents: -principal },
    { ...base, 'amount-type': 'ItemFees', 'amount-description': 'Commission', amountCents: commission },
    {
      ...base,
      'amount-type': 'ItemFees',
      'amount-description': 'RefundCommission',
      amountCents: -Math.min(500, Math.round(commission * 0.2)),
    },
  ];
}

function otherRows(index: number, posted: string): GeneratedRow[] {
  const base = {
    'marketplace-name': 'Amazon.com',
    'posted-date': posted.slice(0, 10),
    'posted-date-time': posted,
  };
  return [
    {
      ...base,
      'transaction-type': 'ServiceFee',
      'amount-type': 'other-transaction',
      'amount-description': 'Storage Fee',
      amountCents: -(index % 997),
    },
    {
      ...base,
      'transaction-type': 'Vine Enrollment Fee',
      'amount-type': 'other-transaction',
      'amount-description': 'LowInventoryLevelFee',
      amountCents: -12,
    },
  ];
}

/** The detail rows, in order, until `rows` of them. */
export function* generatedRows(spec: GeneratedFileSpec): Generator<GeneratedRow> {
  const start = spec.start ?? new Date('2026-06-16T00:00:00Z');
  const shift = spec.principalShiftCents ?? 0;
  let written = 0;
  for (let step = 0; written < spec.rows; step++) {
    const index = step % spec.orders;
    const posted = utc(new Date(start.getTime() + (step % 1_209_600) * 1000));
    const rows =
      step >= spec.orders && index % 10 === 0
        ? refundRows(index, posted, shift)
        : step % 50 === 49
          ? otherRows(step, posted)
          : saleRows(index, posted, shift);
    for (const row of rows) {
      if (written >= spec.rows) return;
      written += 1;
      yield row;
    }
  }
}

function lineOf(settlementId: string, row: GeneratedRow): string {
  const values: Partial<Record<Column, string>> = { ...row, 'settlement-id': settlementId, currency: 'USD' };
  values.amount = fromCents(BigInt(row.amountCents));
  return V2_COLUMNS.map((column) => values[column] ?? '').join('\t');
}

/** The file's text, a chunk of lines at a time: header, summary (its total the sum of the rows), rows. */
export function* generatedSettlementFile(spec: GeneratedFileSpec): Generator<string> {
  let total = 0n;
  for (const row of generatedRows(spec)) total += BigInt(row.amountCents);
  const start = spec.start ?? new Date('2026-06-16T00:00:00Z');
  const end = new Date(start.getTime() + 14 * 86_400_000 - 1000);
  const summary: Partial<Record<Column, string>> = {
    'settlement-id': spec.settlementId,
    'settlement-start-date': utc(start),
    'settlement-end-date': utc(end),
    'deposit-date': utc(new Date(end.getTime() + 2 * 86_400_000)),
    'total-amount': fromCents(total),
    currency: 'USD',
  };
  yield `${V2_COLUMNS.join('\t')}\n${V2_COLUMNS.map((column) => summary[column] ?? '').join('\t')}\n`;
  let chunk: string[] = [];
  for (const row of generatedRows(spec)) {
    chunk.push(lineOf(spec.settlementId, row));
    if (chunk.length === 1000) {
      yield `${chunk.join('\n')}\n`;
      chunk = [];
    }
  }
  if (chunk.length > 0) yield `${chunk.join('\n')}\n`;
}
