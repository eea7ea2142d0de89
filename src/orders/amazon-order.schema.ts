import { z } from 'zod';

/**
 * The parts of an Orders API 2026-01-01 `Order` we store, validated before anything is written. Unknown
 * fields are ignored; enum-like values stay open strings and are checked where they are mapped, so the
 * error names the order and the field.
 */

const money = z.object({
  amount: z.string().regex(/^-?\d+(\.\d+)?$/, 'expected a decimal string'),
  currencyCode: z.string(),
});
const dateTime = z
  .string()
  .refine((value) => !Number.isNaN(Date.parse(value)), 'expected an ISO 8601 date-time');
const window = z.object({ earliestDateTime: dateTime.optional(), latestDateTime: dateTime.optional() });
const breakdown = z.object({
  type: z.string(),
  subtotal: money,
  detailedBreakdowns: z.array(z.object({ subtype: z.string(), value: money })).optional(),
});

const address = z.object({
  name: z.string().optional(),
  companyName: z.string().optional(),
  addressLine1: z.string().optional(),
  addressLine2: z.string().optional(),
  addressLine3: z.string().optional(),
  city: z.string().optional(),
  districtOrCounty: z.string().optional(),
  stateOrRegion: z.string().optional(),
  municipality: z.string().optional(),
  postalCode: z.string().optional(),
  countryCode: z.string().optional(),
  phone: z.string().optional(),
  addressType: z.string().optional(),
});

export const amazonOrderItemSchema = z.object({
  orderItemId: z.string().min(1),
  quantityOrdered: z.number().int().min(0),
  product: z
    .object({
      asin: z.string().optional(),
      title: z.string().optional(),
      sellerSku: z.string().optional(),
      price: z.object({ unitPrice: money.optional() }).optional(),
      customization: z.object({ customizedUrl: z.string().optional() }).optional(),
    })
    .optional(),
  proceeds: z
    .object({ proceedsTotal: money.optional(), breakdowns: z.array(breakdown).optional() })
    .optional(),
  promotion: z
    .object({ breakdowns: z.array(z.object({ promotionId: z.string().optional() })).optional() })
    .optional(),
  cancellation: z
    .object({
      cancellationRequest: z
        .object({ requester: z.string().optional(), cancelReason: z.string().optional() })
        .optional(),
      cancellationExecution: z
        .object({ cancelledBy: z.string().optional(), cancelReason: z.string().optional() })
        .optional(),
    })
    .optional(),
  fulfillment: z
    .object({
      quantityFulfilled: z.number().int().min(0).optional(),
      quantityUnfulfilled: z.number().int().min(0).optional(),
    })
    .optional(),
});

export const amazonOrderSchema = z.object({
  orderId: z.string().min(1).max(50),
  createdTime: dateTime,
  lastUpdatedTime: dateTime,
  programs: z.array(z.string()).optional(),
  associatedOrders: z
    .array(z.object({ orderId: z.string().optional(), associationType: z.string().optional() }))
    .optional(),
  salesChannel: z.object({
    channelName: z.string(),
    marketplaceId: z.string().optional(),
    marketplaceName: z.string().optional(),
  }),
  buyer: z
    .object({
      buyerName: z.string().optional(),
      buyerEmail: z.string().optional(),
      buyerCompanyName: z.string().optional(),
      buyerPurchaseOrderNumber: z.string().optional(),
    })
    .optional(),
  recipient: z.object({ deliveryAddress: address.optional() }).optional(),
  proceeds: z.object({ grandTotal: money.optional() }).optional(),
  fulfillment: z
    .object({
      fulfillmentStatus: z.string(),
      fulfilledBy: z.string().optional(),
      fulfillmentServiceLevel: z.string().optional(),
      shipByWindow: window.optional(),
      deliverByWindow: window.optional(),
    })
    .optional(),
  orderItems: z.array(amazonOrderItemSchema),
  packages: z
    .array(
      z.object({
        packageReferenceId: z.string(),
        shipTime: dateTime.optional(),
        packageStatus: z.object({ status: z.string() }).optional(),
      }),
    )
    .optional(),
  tax: z.object({ taxInvoicing: z.object({ invoiceStatus: z.string().optional() }).optional() }).optional(),
});

export type ParsedAmazonOrder = z.infer<typeof amazonOrderSchema>;
export type ParsedAmazonOrderItem = z.infer<typeof amazonOrderItemSchema>;

export class AmazonOrderPayloadError extends Error {
  override name = 'AmazonOrderPayloadError';
}

/** Validates one order from searchOrders or getOrder; the error names the order and the bad fields. */
export function parseAmazonOrder(value: unknown, where: string): ParsedAmazonOrder {
  const parsed = amazonOrderSchema.safeParse(value);
  if (parsed.success) return parsed.data;
  const id = (value as { orderId?: unknown } | null)?.orderId;
  const problems = parsed.error.issues.map(
    (issue) => `${issue.path.join('.') || '(order)'}: ${issue.message}`,
  );
  throw new AmazonOrderPayloadError(
    `${where}: order ${String(id ?? '?')} is malformed: ${problems.join('; ')}`,
  );
}
