import { z } from 'zod';
import { DateFormatError, parseInstant } from '../shared/dates.js';
import { hasUnsafeCharacter } from '../shared/text.js';

/** Validation of a shipment as typed by a person (CLI flags, admin API body). */

// Feed values are Amazon's `String` (≤ 50 characters, no control characters).
const text = (max: number) =>
  z
    .string()
    .trim()
    .min(1, { error: 'must not be empty' })
    .max(max, { error: `must be at most ${max} characters` })
    .refine((value) => !hasUnsafeCharacter(value), { error: 'must not contain control characters' });

export const amazonOrderIdSchema = z
  .string()
  .trim()
  .regex(/^\w{3}-\w{7}-\w{7}$/, { error: 'expected an Amazon order id like 113-1234567-1234567' });

/** The ship date that means "the moment it is recorded", on Amazon's clock (see `resolveShipDate`). */
export const SHIP_NOW = 'now';

/** Whether a ship date as typed means SHIP_NOW: none, or `now` in any case. */
export function meansShipNow(value: string | undefined): boolean {
  return value === undefined || value.trim().toLowerCase() === SHIP_NOW;
}

/**
 * The ship date: `now` (any case) or nothing is SHIP_NOW; anything else is an instant sent to Amazon as
 * it is: a date with its zone, or a local date or date-time read in the company's time zone.
 */
const shipDateSchema = (timeZone: string | undefined) =>
  z
    .string()
    .optional()
    .transform((value, context): Date | typeof SHIP_NOW => {
      if (value === undefined || meansShipNow(value)) return SHIP_NOW;
      try {
        return parseInstant(value, timeZone).date;
      } catch (err) {
        if (!(err instanceof DateFormatError)) throw err;
        context.addIssue({ code: 'custom', message: err.message });
        return z.NEVER;
      }
    })
    .describe(
      "now (the default): the moment it is recorded, on Amazon's clock; or an ISO 8601 date-time with its zone, or a local date or date-time in the company's time zone, sent as it is",
    );

export const shipFromSchema = z
  .object({
    name: text(100),
    line1: text(100),
    line2: text(100),
    city: text(60),
    state: text(60),
    postalCode: text(20),
    country: z
      .string()
      .trim()
      .regex(/^[A-Z]{2}$/, { error: 'expected a two-letter country code like US' }),
  })
  .partial()
  .strict();

/** `timeZone`: the company's, in which a ship date without a zone is read. */
export const shipmentInputSchemaIn = (timeZone: string) =>
  z
    .object({
      amazonOrderId: amazonOrderIdSchema,
      carrier: text(50),
      carrierName: text(50).optional(),
      shippingMethod: text(50).optional(),
      trackingNumber: text(50),
      shipDate: shipDateSchema(timeZone),
      shipFrom: shipFromSchema.optional(),
      items: z
        .array(
          z.object({
            orderItemId: text(50),
            quantity: z
              .number()
              .int({ error: 'expected a whole number' })
              .min(1, { error: 'expected at least 1' }),
          }),
        )
        .min(1, { error: 'at least one item with its quantity' }),
    })
    .strict();

/**
 * The shape of a shipment wherever the company is not known yet (the admin API's body): any ship date
 * that some time zone could read passes; recordShipment reads it in the company's.
 */
export const shipmentInputSchema = shipmentInputSchemaIn('UTC');

export type ShipmentInput = z.infer<typeof shipmentInputSchema>;
export type ShipFromInput = z.infer<typeof shipFromSchema>;
