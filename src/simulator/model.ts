/** The simulator's own records of what happened on the marketplace; rendered into Amazon's shapes on the way out. */

export const ORDER_STATUSES = ['PENDING', 'UNSHIPPED', 'PARTIALLY_SHIPPED', 'SHIPPED', 'CANCELLED'] as const;
export type OrderStatus = (typeof ORDER_STATUSES)[number];

export const SERVICE_LEVELS = [
  'STANDARD',
  'EXPEDITED',
  'SECOND_DAY',
  'NEXT_DAY',
  'SAME_DAY',
  'PRIORITY',
  'FREE_ECONOMY',
  'SCHEDULED',
] as const;
export type ServiceLevel = (typeof SERVICE_LEVELS)[number];

export type Party = 'BUYER' | 'MERCHANT' | 'AMAZON';

export interface SimSeller {
  sellerId: string;
  clientId: string;
  clientSecret: string;
  refreshToken: string;
  marketplaceId: string;
  currency: string;
}

export interface SimItem {
  orderItemId: string;
  sku: string;
  asin: string;
  title: string;
  quantity: number;
  /** Money in minor units (cents): exact, never floats. */
  unitPriceCents: number;
  taxCents: number;
  shippingCents: number;
  /** Gift wrap bought for the line (line totals), absent when the item is not gift-wrapped. */
  giftWrap?: { level: string; priceCents: number; taxCents: number };
  shipped: number;
  cancelled: number;
  refundedCents: number;
  /** Refunded so far per adjustment component (Principal, Tax, Shipping, Goodwill, RestockingFee, …). */
  refundedComponents?: Record<string, number>;
  customized: boolean;
  buyerCancelReason?: string;
  cancelledBy?: Party;
  cancelReason?: string;
}

export interface SimPackage {
  packageReferenceId: string;
  carrier: string;
  shippingService?: string;
  trackingNumber?: string;
  shipTime: Date;
  createdTime: Date;
  items: { orderItemId: string; quantity: number }[];
}

export interface SimAddress {
  name: string;
  addressLine1: string;
  city: string;
  stateOrRegion: string;
  postalCode: string;
  countryCode: string;
  phone: string;
  addressType: 'RESIDENTIAL' | 'COMMERCIAL';
  companyName?: string;
}

export interface SimOrder {
  orderId: string;
  sellerId: string;
  marketplaceId: string;
  currency: string;
  createdTime: Date;
  lastUpdatedTime: Date;
  status: OrderStatus;
  fulfilledBy: 'MERCHANT' | 'AMAZON';
  serviceLevel: ServiceLevel;
  programs: string[];
  channel: 'AMAZON' | 'NON_AMAZON';
  replacementOf?: string;
  sellerOrderId?: string;
  buyer: { name: string; email: string; companyName?: string; purchaseOrderNumber?: string };
  address: SimAddress;
  items: SimItem[];
  packages: SimPackage[];
  shipBy: { earliest: Date; latest: Date };
  deliverBy: { earliest: Date; latest: Date };
}

/** One money line of a settlement, signed from the seller's view (credit +, debit −). */
export interface MoneyLine {
  sellerId: string;
  transactionType: string;
  orderId: string;
  adjustmentId: string;
  shipmentId: string;
  amountType: string;
  amountDescription: string;
  amountCents: number;
  fulfillmentId: 'AFN' | 'MFN' | '';
  posted: Date;
  orderItemCode: string;
  merchantAdjustmentItemId: string;
  sku: string;
  quantity: number | null;
}

export function formatCents(cents: number): string {
  const sign = cents < 0 ? '-' : '';
  const absolute = Math.abs(cents);
  return `${sign}${Math.floor(absolute / 100)}.${String(absolute % 100).padStart(2, '0')}`;
}

/** Parses a decimal string with at most two fraction digits into cents; undefined when it is not one. */
export function parseCents(text: string): number | undefined {
  const match = /^\s*(-)?(\d+)(?:\.(\d{1,2}))?\s*$/.exec(text);
  if (!match) return undefined;
  const cents = Number(match[2]) * 100 + Number((match[3] ?? '').padEnd(2, '0'));
  return match[1] ? -cents : cents;
}

export function remainingToShip(item: SimItem): number {
  return item.quantity - item.shipped - item.cancelled;
}

/** Marketplaces whose prices include tax: a separate Tax refund is refused there (Amazon.co.jp). */
export const TAX_INCLUSIVE_MARKETPLACES = ['A1VC38T7YXB528'];

/** What the buyer was charged per component for the shipped units; tax is part of Principal where prices include it. */
export function itemChargedComponents(item: SimItem, marketplaceId: string): Record<string, number> {
  if (item.shipped === 0) return {};
  const share = item.shipped / item.quantity;
  const principal = item.unitPriceCents * item.shipped;
  const tax = Math.round(item.taxCents * share);
  const shipping = Math.round(item.shippingCents * share);
  const giftWrap = Math.round((item.giftWrap?.priceCents ?? 0) * share);
  const giftWrapTax = Math.round((item.giftWrap?.taxCents ?? 0) * share);
  return TAX_INCLUSIVE_MARKETPLACES.includes(marketplaceId)
    ? { Principal: principal + tax, Shipping: shipping, GiftWrap: giftWrap + giftWrapTax }
    : { Principal: principal, Tax: tax, Shipping: shipping, GiftWrap: giftWrap, GiftWrapTax: giftWrapTax };
}

export function itemChargedCents(item: SimItem): number {
  // Amazon charges the buyer on shipment: only shipped units count.
  if (item.shipped === 0) return 0;
  const share = item.shipped / item.quantity;
  const giftWrap = (item.giftWrap?.priceCents ?? 0) + (item.giftWrap?.taxCents ?? 0);
  return Math.round(
    (item.unitPriceCents * item.quantity + item.taxCents + item.shippingCents + giftWrap) * share,
  );
}
