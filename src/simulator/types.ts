import { z } from 'zod';
import type { SimClock } from './clock.js';
import type { EventQueue } from './events.js';
import type { Faults } from './faults.js';
import { SERVICE_LEVELS } from './model.js';
import type { SeededRandom } from './random.js';
import type { RateLimiter } from './rate-limiter.js';
import type { SimStore } from './store.js';

/** Share of generated orders with each trait (independent draws, 0-1). */
export interface OrderMix {
  fba: number;
  prime: number;
  business: number;
  premium: number;
  secondDay: number;
  replacement: number;
  customization: number;
  nonAmazon: number;
  buyerCancelRequest: number;
  amazonCancel: number;
  amazonRefund: number;
  multiItem: number;
}

export interface SimulationSettings {
  ordersPerHour: number;
  mix: OrderMix;
  pendingMinutes: number;
  /** How long Amazon takes to ship an FBA order once it is Unshipped. */
  fbaShipMinutes: number;
  reportQueueMs: number;
  reportProcessingMs: number;
  feedQueueMs: number;
  feedProcessingMs: number;
  settlementPeriodMs: number;
  documentUrlTtlMs: number;
  accessTokenTtlMs: number;
}

/** What the simulator's modules see of one simulated marketplace (the `Simulation` class is its one implementation). */
export interface SimulationState {
  readonly clock: SimClock;
  readonly store: SimStore;
  readonly events: EventQueue;
  readonly random: SeededRandom;
  readonly limiter: RateLimiter;
  readonly faults: Faults;
  readonly settings: SimulationSettings;
  readonly seed: number;
  /** Where the simulator is reachable; document and customization URLs point here. */
  baseUrl: string;
  /** The simulator's current time, after everything due by then has happened. */
  now(): Date;
  advance(ms: number): Date;
}

const decimal = z.string().regex(/^\d+(\.\d{1,2})?$/, { error: 'expected a decimal amount like 12.99' });

/** An order asked for through the control API; anything left out is drawn at random. */
export const orderSpecSchema = z
  .object({
    sellerId: z.string().min(1).optional(),
    fulfilledBy: z.enum(['MERCHANT', 'AMAZON']).optional(),
    serviceLevel: z.enum(SERVICE_LEVELS).optional(),
    programs: z.array(z.string().regex(/^[A-Z_]+$/)).optional(),
    channel: z.enum(['AMAZON', 'NON_AMAZON']).optional(),
    replacementOf: z
      .string()
      .regex(/^\d{3}-\d{7}-\d{7}$/)
      .optional(),
    /** The seller's own order id, sent as the SELLER_ORDER_ID alias and the report's merchant-order-id. */
    sellerOrderId: z.string().min(1).max(50).optional(),
    items: z
      .array(
        z
          .object({
            sku: z.string().min(1).max(40).optional(),
            quantity: z.number().int().min(1).max(99).default(1),
            unitPrice: decimal.optional(),
            customized: z.boolean().default(false),
            /** Gift wrap bought for the line: its price (line total; taxed like the item). */
            giftWrapPrice: decimal.optional(),
          })
          .strict(),
      )
      .min(1)
      .max(20)
      .optional(),
    pendingMinutes: z
      .number()
      .min(0)
      .max(30 * 24 * 60)
      .optional(),
    buyerCancelRequestAfterMinutes: z.number().min(0).optional(),
    amazonCancelAfterMinutes: z.number().min(0).optional(),
    amazonRefundAfterMinutes: z.number().min(0).optional(),
  })
  .strict();

export type OrderSpec = z.infer<typeof orderSpecSchema>;
