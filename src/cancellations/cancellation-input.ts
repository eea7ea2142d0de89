import { z } from 'zod';
import { CANCEL_REASONS } from './cancel-reasons.js';

/** A cancellation as the operator asks for it (CLI flags, later the admin API). */
export const cancellationInputSchema = z
  .object({
    amazonOrderId: z
      .string()
      .regex(/^\w{3}-\w{7}-\w{7}$/, { error: 'expected an Amazon order id like 113-1234567-1234567' }),
    reason: z.enum(CANCEL_REASONS, {
      error: `expected one of Amazon's CancelReason values: ${CANCEL_REASONS.join(', ')}`,
    }),
    items: z
      .array(
        z
          .object({
            orderItemId: z.string().min(1, { error: 'expected an order item id' }),
            quantity: z
              .number()
              .int()
              .min(1, { error: 'expected a whole number of units, at least 1' })
              .optional(),
          })
          .strict(),
      )
      .optional(),
    zeroInventory: z.boolean().default(false),
    force: z.boolean().default(false),
  })
  .strict();

export type CancellationInput = z.infer<typeof cancellationInputSchema>;
