import { z } from 'zod';
import { findUnknowns, openEnum } from '../validate.js';

/**
 * Orders API 2026-01-01 responses: what sellersync needs is required and checked in the form it is
 * stored in (decimal strings, ISO 8601 date-times, whole quantities); the rest is kept as Amazon sent it.
 */

const money = z.looseObject({
  amount: z.string().regex(/^-?\d+(\.\d+)?$/, 'expected a decimal string'),
  currencyCode: z.string(),
});
const dateTime = z
  .string()
  .refine((value) => !Number.isNaN(Date.parse(value)), 'expected an ISO 8601 date-time');
const quantity = z.number().int().min(0);
const dateTimeRange = z.looseObject({
  earliestDateTime: dateTime.optional(),
  latestDateTime: dateTime.optional(),
});
const optionalText = z.string().optional();
const customerAddress = z.looseObject({
  name: optionalText,
  companyName: optionalText,
  addressLine1: optionalText,
  addressLine2: optionalText,
  addressLine3: optionalText,
  city: optionalText,
  districtOrCounty: optionalText,
  stateOrRegion: optionalText,
  municipality: optionalText,
  postalCode: optionalText,
  countryCode: optionalText,
  phone: optionalText,
  addressType: openEnum(['RESIDENTIAL', 'COMMERCIAL', 'PICKUP_POINT']).optional(),
});
const breakdown = z.looseObject({
  type: z.string(),
  subtotal: money,
  detailedBreakdowns: z.array(z.looseObject({ subtype: z.string(), value: money })).optional(),
});

const FULFILLMENT_STATUSES = [
  'PENDING_AVAILABILITY',
  'PENDING',
  'UNSHIPPED',
  'PARTIALLY_SHIPPED',
  'SHIPPED',
  'CANCELLED',
  'UNFULFILLABLE',
] as const;
const PROGRAMS = [
  'AMAZON_BAZAAR',
  'AMAZON_BUSINESS',
  'AMAZON_EASY_SHIP',
  'AMAZON_HAUL',
  'DELIVERY_BY_AMAZON',
  'FBM_SHIP_PLUS',
  'INVOICE_BY_AMAZON',
  'IN_STORE_PICK_UP',
  'PREMIUM',
  'PREORDER',
  'PRIME',
] as const;
const SERVICE_LEVELS = [
  'EXPEDITED',
  'FREE_ECONOMY',
  'NEXT_DAY',
  'PRIORITY',
  'SAME_DAY',
  'SECOND_DAY',
  'SCHEDULED',
  'STANDARD',
] as const;
const INVOICE_STATUSES = ['NOT_REQUIRED', 'NOT_FOUND', 'PROCESSING', 'ERRORED', 'ACCEPTED'] as const;
const PACKAGE_STATUSES = [
  'PENDING',
  'IN_TRANSIT',
  'SHIPPED',
  'DELIVERED',
  'CANCELLED',
  'UNDELIVERABLE',
] as const;

const orderItem = z.looseObject({
  orderItemId: z.string().min(1),
  quantityOrdered: quantity,
  programs: z.array(openEnum(['TRANSPARENCY', 'SUBSCRIBE_AND_SAVE'])).optional(),
  product: z.looseObject({
    asin: z.string().optional(),
    title: z.string().optional(),
    sellerSku: z.string().optional(),
    condition: z
      .looseObject({
        conditionType: optionalText,
        conditionSubtype: optionalText,
        conditionNote: optionalText,
      })
      .optional(),
    price: z
      .looseObject({ unitPrice: money.optional(), priceDesignation: openEnum(['BUSINESS_PRICE']).optional() })
      .optional(),
    customization: z.looseObject({ customizedUrl: z.string().optional() }).optional(),
  }),
  proceeds: z
    .looseObject({ proceedsTotal: money.optional(), breakdowns: z.array(breakdown).optional() })
    .optional(),
  promotion: z
    .looseObject({ breakdowns: z.array(z.looseObject({ promotionId: z.string().optional() })).optional() })
    .optional(),
  cancellation: z
    .looseObject({
      cancellationRequest: z
        .looseObject({ requester: openEnum(['BUYER']).optional(), cancelReason: z.string().optional() })
        .optional(),
      cancellationExecution: z
        .looseObject({
          cancelledBy: openEnum(['BUYER', 'MERCHANT', 'AMAZON']).optional(),
          cancelReason: z.string().optional(),
        })
        .optional(),
    })
    .optional(),
  fulfillment: z
    .looseObject({
      quantityFulfilled: quantity.optional(),
      quantityUnfulfilled: quantity.optional(),
      packing: z
        .looseObject({
          giftOption: z.looseObject({ giftMessage: optionalText, giftWrapLevel: optionalText }).optional(),
        })
        .optional(),
    })
    .optional(),
});

const orderPackage = z.looseObject({
  packageReferenceId: z.string(),
  createdTime: z.string().optional(),
  packageStatus: z.looseObject({ status: openEnum(PACKAGE_STATUSES) }).optional(),
  carrier: z.string().optional(),
  shipTime: dateTime.optional(),
  shippingService: z.string().optional(),
  trackingNumber: z.string().optional(),
  packageItems: z.array(z.looseObject({ orderItemId: z.string(), quantity: z.number() })).optional(),
});

export const orderSchema = z.looseObject({
  orderId: z.string().min(1).max(50),
  orderAliases: z
    .array(z.looseObject({ aliasId: z.string(), aliasType: openEnum(['SELLER_ORDER_ID']) }))
    .optional(),
  createdTime: dateTime,
  lastUpdatedTime: dateTime,
  programs: z.array(openEnum(PROGRAMS)).optional(),
  associatedOrders: z
    .array(
      z.looseObject({
        orderId: z.string().optional(),
        associationType: openEnum(['REPLACEMENT_ORIGINAL_ID', 'EXCHANGE_ORIGINAL_ID']).optional(),
      }),
    )
    .optional(),
  salesChannel: z.looseObject({
    channelName: openEnum(['AMAZON', 'NON_AMAZON']),
    marketplaceId: z.string().optional(),
    marketplaceName: z.string().optional(),
  }),
  buyer: z
    .looseObject({
      buyerName: optionalText,
      buyerEmail: optionalText,
      buyerCompanyName: optionalText,
      buyerPurchaseOrderNumber: optionalText,
    })
    .optional(),
  recipient: z.looseObject({ deliveryAddress: customerAddress.optional() }).optional(),
  proceeds: z
    .looseObject({ grandTotal: money.optional(), breakdowns: z.array(breakdown).optional() })
    .optional(),
  fulfillment: z
    .looseObject({
      fulfillmentStatus: openEnum(FULFILLMENT_STATUSES),
      fulfilledBy: openEnum(['MERCHANT', 'AMAZON']).optional(),
      fulfillmentServiceLevel: openEnum(SERVICE_LEVELS).optional(),
      shipByWindow: dateTimeRange.optional(),
      deliverByWindow: dateTimeRange.optional(),
    })
    .optional(),
  orderItems: z.array(orderItem),
  packages: z.array(orderPackage).optional(),
  tax: z
    .looseObject({
      taxInvoicing: z.looseObject({ invoiceStatus: openEnum(INVOICE_STATUSES).optional() }).optional(),
    })
    .optional(),
});

/** The page around the orders; each order is checked on its own (orderSchema) so one bad order is set aside. */
export const searchOrdersResponseSchema = z.looseObject({
  orders: z.array(z.unknown()),
  pagination: z.looseObject({ nextToken: z.string().optional() }).optional(),
  lastUpdatedBefore: z.string().optional(),
  createdBefore: z.string().optional(),
});

export const getOrderResponseSchema = z.looseObject({ order: orderSchema });

/**
 * The enum values of an order (validated by orderSchema) that are not in Amazon's documented lists: a
 * program, service level or status Amazon added since, kept as data. Field paths as in the payload.
 */
export function unknownOrderValues(order: unknown): { field: string; value: string }[] {
  return findUnknowns(orderSchema, order).flatMap((unknown) =>
    unknown.value === undefined ? [] : [{ field: unknown.path, value: unknown.value }],
  );
}
