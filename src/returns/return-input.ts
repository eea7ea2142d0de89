import { z } from 'zod';
import { amazonOrderIdSchema } from '../fulfillment/shipment-input.js';
import { RETURN_CONDITIONS } from './returns.table.js';

/** A return to authorize, as the admin API takes it (`sellersync returns add`). */
export const returnInputSchema = z
  .object({
    amazonOrderId: amazonOrderIdSchema,
    items: z
      .array(
        z
          .object({
            orderItemId: z.string().regex(/^[\w-]{1,40}$/, { error: 'expected an order item id' }),
            quantity: z
              .number({ error: 'expected a whole number of units' })
              .int({ error: 'expected a whole number of units' })
              .min(1, { error: 'expected 1 unit or more' })
              .max(999_999, { error: 'expected at most 999999 units' }),
          })
          .strict(),
      )
      .min(1, { error: 'at least one line: {orderItemId, quantity}' })
      .max(500, { error: 'at most 500 lines' }),
    reason: z.string().trim().min(1, { error: 'say why the buyer returns it' }).max(500),
    condition: z
      .enum(RETURN_CONDITIONS, { error: `expected one of ${RETURN_CONDITIONS.join(', ')}` })
      .default('sellable'),
  })
  .strict();
