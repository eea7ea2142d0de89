import { z } from 'zod';
import { ADJUSTMENT_COMPONENTS, ADJUSTMENT_REASONS } from './adjustment-codes.js';

/** A refund as the operator asks for it (CLI flags, later the admin API). Amounts are read per currency later. */
export const refundInputSchema = z
  .object({
    amazonOrderId: z
      .string()
      .regex(/^\w{3}-\w{7}-\w{7}$/, { error: 'expected an Amazon order id like 113-1234567-1234567' }),
    reason: z.enum(ADJUSTMENT_REASONS, {
      error: `expected one of Amazon's AdjustmentReason values: ${ADJUSTMENT_REASONS.join(', ')}`,
    }),
    full: z.boolean().default(false),
    items: z
      .array(
        z
          .object({
            orderItemId: z.string().min(1, { error: 'expected an order item id' }),
            components: z
              .array(
                z
                  .object({
                    component: z.enum(ADJUSTMENT_COMPONENTS, {
                      error: `expected one of Amazon's adjustment components: ${ADJUSTMENT_COMPONENTS.join(', ')}`,
                    }),
                    amount: z.string().min(1, { error: 'expected an amount' }),
                  })
                  .strict(),
              )
              .min(1, { error: 'expected at least one <component>=<amount>' }),
          })
          .strict(),
      )
      .default([]),
    quantity: z.number().int().min(1, { error: 'expected a whole number of units, at least 1' }).optional(),
  })
  .strict();

export type RefundInput = z.infer<typeof refundInputSchema>;
