import { z } from 'zod';
import { parseAmount } from './amounts.js';
import { parseSettlementDate } from './settlement-dates.js';

/** The zod shapes of a settlement row's fields: text as given, amounts and dates read, blanks as null. */

function failure(ctx: z.RefinementCtx, value: string, err: unknown) {
  ctx.addIssue({ code: 'custom', message: (err as Error).message, input: value });
  return z.NEVER;
}

export const text = z.string().transform((value) => value.trim() || null);

/** A field read by `read`, whose error becomes the issue of the row. */
function readWith<T>(read: (value: string) => T) {
  return z.string().transform((value, ctx) => {
    try {
      return read(value);
    } catch (err) {
      return failure(ctx, value, err);
    }
  });
}

export const amount = readWith(parseAmount);

export const optionalDate = readWith((value) => (value.trim() === '' ? null : parseSettlementDate(value)));

export const quantity = z.string().transform((value, ctx) => {
  const trimmed = value.trim();
  if (trimmed === '') return null;
  if (!/^\d{1,9}$/.test(trimmed))
    return failure(ctx, value, new Error(`${JSON.stringify(value)} is not a whole number`));
  return Number(trimmed);
});

const required = (column: string) =>
  z.string().transform((value, ctx) => {
    const trimmed = value.trim();
    if (trimmed === '') return failure(ctx, value, new Error(`${column} is empty`));
    return trimmed;
  });

export const summarySchema = z.object({
  'settlement-id': required('settlement-id'),
  'settlement-start-date': optionalDate,
  'settlement-end-date': optionalDate,
  'deposit-date': optionalDate,
  'total-amount': amount,
  currency: text,
});

/** The fields V1 and V2 detail rows share. */
export const detailSchema = z.object({
  'settlement-id': required('settlement-id'),
  'transaction-type': text,
  'order-id': text,
  'merchant-order-id': text,
  'adjustment-id': text,
  'shipment-id': text,
  'marketplace-name': text,
  'fulfillment-id': text,
  'posted-date': text,
  'posted-date-time': text,
  'order-item-code': text,
  'merchant-order-item-id': text,
  'merchant-adjustment-item-id': text,
  sku: text,
  'quantity-purchased': quantity,
  'promotion-id': text,
});

export const v2AmountSchema = z.object({
  'amount-type': text,
  'amount-description': text,
  amount: amount,
});

/** Describes the first problem of a row: `amount: "12,3,4" is not an amount`. */
export function describeRowIssue(error: z.ZodError): string {
  const [issue] = error.issues;
  if (!issue) return 'invalid row';
  return `${issue.path.join('.')}: ${issue.message}`;
}
