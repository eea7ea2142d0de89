import type { ColumnType, Generated, Insertable, Selectable } from 'kysely';

/** Amazon's full order status set, as Sellercloud and the v0 API spell it. */
export const ORDER_STATUSES = [
  'PendingAvailability',
  'Pending',
  'Unshipped',
  'PartiallyShipped',
  'Shipped',
  'InvoiceUnconfirmed',
  'Canceled',
  'Unfulfillable',
] as const;
export type OrderStatus = (typeof ORDER_STATUSES)[number];

/** Order subtypes as Sellercloud shows them. */
export const ORDER_SUBTYPES = [
  'Prime',
  'Business',
  'Business Prime',
  'Second Day',
  'Premium',
  'Replacement',
  'Pre-order',
] as const;
export type OrderSubtype = (typeof ORDER_SUBTYPES)[number];

export const FULFILLMENT_CHANNELS = ['AFN', 'MFN'] as const;
export type FulfillmentChannel = (typeof FULFILLMENT_CHANNELS)[number];

export const PAYMENT_STATUSES = ['pending', 'complete'] as const;
export type PaymentStatus = (typeof PAYMENT_STATUSES)[number];

/** The order's payment as refunds leave it; kept by the refunds domain (src/refunds/payment-status.ts). */
export const REFUND_PAYMENT_STATUSES = ['pending', 'paid', 'partially_refunded', 'refunded'] as const;
export type RefundPaymentStatus = (typeof REFUND_PAYMENT_STATUSES)[number];

/** The buyer-cancellation hold (src/orders/order-transitions.ts). */
export const CANCEL_REQUEST_STATES = ['none', 'requested', 'accepted', 'declined', 'expired'] as const;
export type CancelRequestState = (typeof CANCEL_REQUEST_STATES)[number];

export const ORDER_EVENT_KINDS = [
  'first_seen',
  'status_changed',
  'cancel_requested',
  'cancel_request_decided',
  'cancelled',
  'shipment_confirmed',
  'buyer_data_erased',
] as const;
export type OrderEventKind = (typeof ORDER_EVENT_KINDS)[number];

/** A package Amazon knows of (shipped through Amazon or confirmed elsewhere): not buyer data. */
export interface KnownPackage {
  packageReferenceId: string;
  carrier: string | null;
  trackingNumber: string | null;
  shippingService: string | null;
  shipTime: string | null;
  status: string | null;
  items: { orderItemId: string; quantity: number }[];
}

/** An enum value Amazon sent that is not in its documented list, kept as data (`field` as in the payload). */
export interface UnknownValue {
  field: string;
  value: string;
}

/** numeric columns: pg returns them as decimal strings, and we write decimal strings. */
type Decimal = string | null;
type Defaulted<T> = ColumnType<T, T | undefined, T>;

export interface OrdersTable {
  id: Generated<number>;
  company_id: number;
  amazon_order_id: string;
  marketplace_id: string | null;
  sales_channel: string;
  is_checkout_by_amazon: Defaulted<boolean>;
  purchase_date: Date;
  last_updated_at: Date;
  status: OrderStatus;
  fulfillment_channel: FulfillmentChannel;
  service_level: string | null;
  earliest_ship_date: Date | null;
  latest_ship_date: Date | null;
  earliest_delivery_date: Date | null;
  latest_delivery_date: Date | null;
  order_total: Decimal;
  currency: string | null;
  payment_status: PaymentStatus;
  /** Written only by the refunds domain's refresh; NULL until the order's first refresh. */
  refund_payment_status: ColumnType<RefundPaymentStatus | null, never, RefundPaymentStatus>;
  subtypes: Defaulted<OrderSubtype[]>;
  replaced_order_id: string | null;
  note: string | null;
  on_hold: Defaulted<boolean>;
  hold_reason: string | null;
  cancel_requested_at: Date | null;
  cancel_request_reason: string | null;
  cancel_respond_by: Date | null;
  cancel_request_state: Defaulted<CancelRequestState>;
  cancel_decided_at: Date | null;
  cancelled_by: string | null;
  cancel_reason: string | null;
  /** Buyer name/email/phone/company as encrypted JSON; null once erased. */
  buyer_enc: string | null;
  /** Recipient name and delivery address as encrypted JSON; null once erased. */
  recipient_enc: string | null;
  shipped_at: Date | null;
  delivered_at: Date | null;
  buyer_data_erased_at: Date | null;
  /** When the buyer data is erased: delivery (or latest delivery date, or cancellation) + retention days. */
  erase_after: Date | null;
  /** lastUpdatedTime of the complete copy (searchOrders, getOrder) the ship windows and buyer data come from. */
  complete_copy_at: Date | null;
  first_seen_at: Defaulted<Date>;
  first_seen_run_id: number | null;
  /** `searchOrders:<window start>#<page>`, `report:<reportId>` or `getOrder(problem):<problem id>`. */
  first_seen_source: string;
  /** Amazon's SELLER_ORDER_ID alias (the report's merchant-order-id). */
  seller_order_id: string | null;
  programs: Defaulted<string[]>;
  amazon_packages: Defaulted<KnownPackage[]>;
  unknown_values: Defaulted<UnknownValue[]>;
  created_at: ColumnType<Date, never, never>;
  updated_at: Defaulted<Date>;
}

export interface OrderItemsTable {
  id: Generated<number>;
  order_id: number;
  order_item_id: string;
  sku: string | null;
  asin: string | null;
  title: string | null;
  quantity_ordered: number;
  quantity_shipped: Defaulted<number>;
  quantity_cancelled: Defaulted<number>;
  currency: string | null;
  unit_price: Decimal;
  item_price: Decimal;
  item_tax: Decimal;
  shipping_price: Decimal;
  shipping_tax: Decimal;
  gift_wrap_price: Decimal;
  gift_wrap_tax: Decimal;
  promotion_discount: Decimal;
  ship_promotion_discount: Decimal;
  promotion_ids: Defaulted<string[]>;
  /** The customization zip's URL is buyer data (Amazon's DPP): encrypted. */
  customized_url_enc: string | null;
  /** The customization JSON from the zip, encrypted: it can hold names and messages. */
  customization_raw_enc: string | null;
  customization_summary: string | null;
  cancel_requested: Defaulted<boolean>;
  price_designation: string | null;
  gift_wrap_level: string | null;
  /** The buyer's gift message, encrypted: buyer data. */
  gift_message_enc: string | null;
  created_at: ColumnType<Date, never, never>;
  updated_at: Defaulted<Date>;
}

export interface OrderEventsTable {
  id: Generated<number>;
  order_id: number;
  kind: OrderEventKind;
  from_status: OrderStatus | null;
  to_status: OrderStatus | null;
  detail: ColumnType<Record<string, unknown>, string | undefined, string>;
  run_id: number | null;
  source: string | null;
  occurred_at: Defaulted<Date>;
}

export type OrderRow = Selectable<OrdersTable>;
export type NewOrderRow = Insertable<OrdersTable>;
export type OrderItemRow = Selectable<OrderItemsTable>;
export type NewOrderItemRow = Insertable<OrderItemsTable>;
export type OrderEventRow = Selectable<OrderEventsTable>;
