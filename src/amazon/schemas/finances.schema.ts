import { z } from 'zod';
import { openEnum } from '../validate.js';

/** Finances API 2024-06-19 `listTransactions` (shared/amazon/models/finances_2024-06-19.json). */

/** Amazon writes amounts as JSON numbers (BigDecimal); kept as the decimal string they print as. */
const currency = z
  .looseObject({ currencyCode: z.string(), currencyAmount: z.number() })
  .transform(({ currencyCode, currencyAmount }) => ({
    currencyCode,
    currencyAmount: String(currencyAmount),
  }));

interface BreakdownInput {
  breakdownType?: string | undefined;
  breakdownAmount?: z.input<typeof currency> | undefined;
  breakdowns?: BreakdownInput[] | undefined;
}
interface BreakdownOutput {
  breakdownType?: string | undefined;
  breakdownAmount?: z.output<typeof currency> | undefined;
  breakdowns?: BreakdownOutput[] | undefined;
}
const breakdown: z.ZodType<BreakdownOutput, BreakdownInput> = z.lazy(() =>
  z.looseObject({
    breakdownType: z.string().optional(),
    breakdownAmount: currency.optional(),
    breakdowns: z.array(breakdown).optional(),
  }),
);

const context = z.looseObject({ contextType: z.string() });

export const RELATED_IDENTIFIERS = [
  'ORDER_ID',
  'SHIPMENT_ID',
  'FINANCIAL_EVENT_GROUP_ID',
  'REFUND_ID',
  'INVOICE_ID',
  'DISBURSEMENT_ID',
  'TRANSFER_ID',
  'DEFERRED_TRANSACTION_ID',
  'RELEASE_TRANSACTION_ID',
  'SETTLEMENT_ID',
] as const;

export const transactionSchema = z.looseObject({
  sellingPartnerMetadata: z
    .looseObject({
      sellingPartnerId: z.string().optional(),
      accountType: z.string().optional(),
      marketplaceId: z.string().optional(),
    })
    .optional(),
  relatedIdentifiers: z
    .array(
      z.looseObject({
        relatedIdentifierName: openEnum(RELATED_IDENTIFIERS),
        relatedIdentifierValue: z.string(),
      }),
    )
    .optional(),
  transactionType: z.string(),
  transactionId: z.string().optional(),
  transactionStatus: openEnum(['DEFERRED', 'RELEASED', 'DEFERRED_RELEASED']).optional(),
  description: z.string().optional(),
  postedDate: z.string(),
  totalAmount: currency,
  marketplaceDetails: z
    .looseObject({ marketplaceId: z.string().optional(), marketplaceName: z.string().optional() })
    .optional(),
  items: z
    .array(
      z.looseObject({
        description: z.string().optional(),
        relatedIdentifiers: z
          .array(
            z.looseObject({
              itemRelatedIdentifierName: openEnum([
                'ORDER_ADJUSTMENT_ITEM_ID',
                'COUPON_ID',
                'REMOVAL_SHIPMENT_ITEM_ID',
                'TRANSACTION_ID',
              ]),
              itemRelatedIdentifierValue: z.string(),
            }),
          )
          .optional(),
        totalAmount: currency.optional(),
        breakdowns: z.array(breakdown).optional(),
        contexts: z.array(context).optional(),
      }),
    )
    .optional(),
  contexts: z.array(context).optional(),
  breakdowns: z.array(breakdown).optional(),
});

export const listTransactionsResponseSchema = z.looseObject({
  payload: z.looseObject({
    nextToken: z.string().optional(),
    transactions: z.array(z.unknown()).default([]),
  }),
});
