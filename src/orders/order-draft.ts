import type {
  FulfillmentChannel,
  KnownPackage,
  OrderStatus,
  OrderSubtype,
  PaymentStatus,
  UnknownValue,
} from './orders.table.js';

export type { KnownPackage, UnknownValue } from './orders.table.js';

/** Buyer data as Amazon gives it; stored only encrypted, never logged. */
export interface BuyerData {
  name?: string | undefined;
  email?: string | undefined;
  companyName?: string | undefined;
  purchaseOrderNumber?: string | undefined;
}

/** The recipient's name and delivery address; stored only encrypted, never logged. */
export interface RecipientData {
  name?: string | undefined;
  companyName?: string | undefined;
  addressLine1?: string | undefined;
  addressLine2?: string | undefined;
  addressLine3?: string | undefined;
  city?: string | undefined;
  districtOrCounty?: string | undefined;
  stateOrRegion?: string | undefined;
  municipality?: string | undefined;
  postalCode?: string | undefined;
  countryCode?: string | undefined;
  phone?: string | undefined;
  addressType?: string | undefined;
}

/** What Amazon tells us of an order item, as stored and as read back. */
export interface OrderItemFacts {
  orderItemId: string;
  sku: string | null;
  asin: string | null;
  title: string | null;
  quantityOrdered: number;
  quantityShipped: number;
  quantityCancelled: number;
  currency: string | null;
  unitPrice: string | null;
  itemPrice: string | null;
  itemTax: string | null;
  shippingPrice: string | null;
  shippingTax: string | null;
  giftWrapPrice: string | null;
  giftWrapTax: string | null;
  /** The promotion discount on the item price; on shipping, `shipPromotionDiscount`. */
  promotionDiscount: string | null;
  shipPromotionDiscount: string | null;
  promotionIds: string[];
  cancelRequested: boolean;
  /** BUSINESS_PRICE: a price only Amazon Business buyers get. */
  priceDesignation: string | null;
  giftWrapLevel: string | null;
}

export interface OrderItemDraft extends OrderItemFacts {
  customizedUrl: string | null;
  /** The buyer's gift message: buyer data, stored only encrypted. */
  giftMessage: string | null;
}

/** What Amazon tells us of an order (no buyer data), as stored and as read back. */
export interface OrderFacts {
  amazonOrderId: string;
  marketplaceId: string | null;
  salesChannel: string;
  isCheckoutByAmazon: boolean;
  purchaseDate: Date;
  lastUpdatedAt: Date;
  status: OrderStatus;
  fulfillmentChannel: FulfillmentChannel;
  serviceLevel: string | null;
  earliestShipDate: Date | null;
  latestShipDate: Date | null;
  earliestDeliveryDate: Date | null;
  latestDeliveryDate: Date | null;
  orderTotal: string | null;
  currency: string | null;
  paymentStatus: PaymentStatus;
  subtypes: OrderSubtype[];
  replacedOrderId: string | null;
  shippedAt: Date | null;
  deliveredAt: Date | null;
  /** The seller's own order id (alias SELLER_ORDER_ID; the report's merchant-order-id): a feed's MerchantOrderID. */
  sellerOrderId: string | null;
  /** Amazon's programs for the order as sent, the ones we do not know yet included. */
  programs: string[];
  packages: KnownPackage[];
  unknownValues: UnknownValue[];
}

/**
 * One Amazon order as we store it, from either source. `complete` is false for flat-file report rows,
 * which lack ship windows, buyer data and cancellation detail: those columns then keep what is stored.
 */
export interface OrderDraft extends OrderFacts {
  cancelRequest: { reason: string | null } | null;
  cancellation: { cancelledBy: string | null; reason: string | null } | null;
  buyer: BuyerData | null;
  recipient: RecipientData | null;
  items: OrderItemDraft[];
  complete: boolean;
}

/** How far along an order is; between two copies with the same last-update time, the further one wins. */
export const STATUS_PROGRESSION: readonly OrderStatus[] = [
  'PendingAvailability',
  'Pending',
  'Unshipped',
  'PartiallyShipped',
  'InvoiceUnconfirmed',
  'Shipped',
  'Unfulfillable',
  'Canceled',
];

export function statusRank(status: OrderStatus): number {
  return STATUS_PROGRESSION.indexOf(status);
}

/** Statuses in which Amazon has verified the payment (see docs/orders.md). */
export function paymentStatusOf(status: OrderStatus): PaymentStatus {
  return status === 'Pending' || status === 'PendingAvailability' || status === 'Canceled'
    ? 'pending'
    : 'complete';
}

/** Seller-fulfilled orders that still need shipping: the only ones whose buyer and recipient data we fetch. */
export function needsBuyerData(draft: Pick<OrderDraft, 'fulfillmentChannel' | 'status'>): boolean {
  return (
    draft.fulfillmentChannel === 'MFN' &&
    (draft.status === 'Unshipped' || draft.status === 'PartiallyShipped')
  );
}
