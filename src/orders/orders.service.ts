import type { Db } from '../db/client.js';
import type { Keyring } from '../shared/crypto.js';
import { openPersonalData, openText } from './buyer-data.js';
import type { BuyerData, OrderFacts, OrderItemFacts, RecipientData } from './order-draft.js';
import type { OrderEventRow, OrderItemRow, OrderRow } from './orders.table.js';

/** An order as the rest of sellersync sees it: no buyer data (see `showOrder` for that). */
export interface Order extends OrderFacts {
  id: number;
  companyId: number;
  note: string | null;
  onHold: boolean;
  holdReason: string | null;
  cancelRequestedAt: Date | null;
  cancelRequestReason: string | null;
  cancelRespondBy: Date | null;
  cancelledBy: string | null;
  cancelReason: string | null;
  buyerDataErasedAt: Date | null;
  firstSeenAt: Date;
  firstSeenRunId: number | null;
  firstSeenSource: string;
}

export interface OrderItem extends OrderItemFacts {
  id: number;
  customizationSummary: string | null;
  /** The message itself is buyer data: `showOrders` with buyer data gives it. */
  hasGiftMessage: boolean;
}

/** What the buyer wrote on an item, decrypted for the person fulfilling the order. */
export interface ItemBuyerData {
  orderItemId: string;
  giftMessage: string | null;
  /** Amazon Custom's customization JSON as Amazon sent it. */
  customization: unknown;
}

export interface OrderEvent {
  kind: OrderEventRow['kind'];
  fromStatus: OrderEventRow['from_status'];
  toStatus: OrderEventRow['to_status'];
  detail: Record<string, unknown>;
  runId: number | null;
  source: string | null;
  occurredAt: Date;
}

/** What Amazon tells us of the order, as stored. */
export function orderFactsOf(row: OrderRow): OrderFacts {
  return {
    amazonOrderId: row.amazon_order_id,
    marketplaceId: row.marketplace_id,
    salesChannel: row.sales_channel,
    isCheckoutByAmazon: row.is_checkout_by_amazon,
    purchaseDate: row.purchase_date,
    lastUpdatedAt: row.last_updated_at,
    status: row.status,
    fulfillmentChannel: row.fulfillment_channel,
    serviceLevel: row.service_level,
    earliestShipDate: row.earliest_ship_date,
    latestShipDate: row.latest_ship_date,
    earliestDeliveryDate: row.earliest_delivery_date,
    latestDeliveryDate: row.latest_delivery_date,
    orderTotal: row.order_total,
    currency: row.currency,
    paymentStatus: row.payment_status,
    subtypes: row.subtypes,
    replacedOrderId: row.replaced_order_id,
    shippedAt: row.shipped_at,
    deliveredAt: row.delivered_at,
    sellerOrderId: row.seller_order_id,
    programs: row.programs,
    packages: row.amazon_packages,
    unknownValues: row.unknown_values,
  };
}

export function toOrder(row: OrderRow): Order {
  return {
    ...orderFactsOf(row),
    id: row.id,
    companyId: row.company_id,
    note: row.note,
    onHold: row.on_hold,
    holdReason: row.hold_reason,
    cancelRequestedAt: row.cancel_requested_at,
    cancelRequestReason: row.cancel_request_reason,
    cancelRespondBy: row.cancel_respond_by,
    cancelledBy: row.cancelled_by,
    cancelReason: row.cancel_reason,
    buyerDataErasedAt: row.buyer_data_erased_at,
    firstSeenAt: row.first_seen_at,
    firstSeenRunId: row.first_seen_run_id,
    firstSeenSource: row.first_seen_source,
  };
}

/** What Amazon tells us of the order item, as stored. */
export function orderItemFactsOf(row: OrderItemRow): OrderItemFacts {
  return {
    orderItemId: row.order_item_id,
    sku: row.sku,
    asin: row.asin,
    title: row.title,
    quantityOrdered: row.quantity_ordered,
    quantityShipped: row.quantity_shipped,
    quantityCancelled: row.quantity_cancelled,
    currency: row.currency,
    unitPrice: row.unit_price,
    itemPrice: row.item_price,
    itemTax: row.item_tax,
    shippingPrice: row.shipping_price,
    shippingTax: row.shipping_tax,
    giftWrapPrice: row.gift_wrap_price,
    giftWrapTax: row.gift_wrap_tax,
    promotionDiscount: row.promotion_discount,
    shipPromotionDiscount: row.ship_promotion_discount,
    promotionIds: row.promotion_ids,
    cancelRequested: row.cancel_requested,
    priceDesignation: row.price_designation,
    giftWrapLevel: row.gift_wrap_level,
  };
}

function toOrderItem(row: OrderItemRow): OrderItem {
  return {
    ...orderItemFactsOf(row),
    id: row.id,
    customizationSummary: row.customization_summary,
    hasGiftMessage: row.gift_message_enc !== null,
  };
}

export interface OrderWithItems {
  order: Order;
  items: OrderItem[];
}

/** The company's order with its items, or null when it has not been downloaded. */
export async function findOrderWithItems(
  db: Db,
  companyId: number,
  amazonOrderId: string,
): Promise<OrderWithItems | null> {
  const row = await db
    .selectFrom('orders')
    .selectAll()
    .where('company_id', '=', companyId)
    .where('amazon_order_id', '=', amazonOrderId)
    .executeTakeFirst();
  if (!row) return null;
  const items = await db
    .selectFrom('order_items')
    .selectAll()
    .where('order_id', '=', row.id)
    .orderBy('id')
    .execute();
  return { order: toOrder(row), items: items.map(toOrderItem) };
}

export interface OrderDetails extends OrderWithItems {
  timeline: OrderEvent[];
  buyer?: BuyerData | null;
  recipient?: RecipientData | null;
  itemBuyerData?: ItemBuyerData[];
}

function itemBuyerDataOf(keyring: Keyring, items: OrderItemRow[]): ItemBuyerData[] {
  return items.flatMap((item) => {
    const key = { orderId: item.order_id, orderItemId: item.order_item_id };
    const giftMessage = openText(keyring, item.gift_message_enc, 'gift_message_enc', key);
    const raw = openText(keyring, item.customization_raw_enc, 'customization_raw_enc', key);
    if (giftMessage === null && raw === null) return [];
    return [
      { orderItemId: item.order_item_id, giftMessage, customization: raw === null ? null : JSON.parse(raw) },
    ];
  });
}

/** An order with items and timeline (every company's order with that id); buyer data only when asked for. */
export async function showOrders(
  db: Db,
  keyring: Keyring,
  amazonOrderId: string,
  withBuyerData: boolean,
): Promise<OrderDetails[]> {
  const rows = await db
    .selectFrom('orders')
    .selectAll()
    .where('amazon_order_id', '=', amazonOrderId)
    .orderBy('company_id')
    .execute();
  const details: OrderDetails[] = [];
  for (const row of rows) {
    const orderKey = { companyId: row.company_id, amazonOrderId: row.amazon_order_id };
    const items = await db
      .selectFrom('order_items')
      .selectAll()
      .where('order_id', '=', row.id)
      .orderBy('id')
      .execute();
    const events = await db
      .selectFrom('order_events')
      .selectAll()
      .where('order_id', '=', row.id)
      .orderBy('occurred_at')
      .orderBy('id')
      .execute();
    details.push({
      order: toOrder(row),
      items: items.map(toOrderItem),
      timeline: events.map((e) => ({
        kind: e.kind,
        fromStatus: e.from_status,
        toStatus: e.to_status,
        detail: e.detail,
        runId: e.run_id,
        source: e.source,
        occurredAt: e.occurred_at,
      })),
      ...(withBuyerData && {
        buyer: openPersonalData<BuyerData>(keyring, row.buyer_enc, 'buyer_enc', orderKey),
        recipient: openPersonalData<RecipientData>(keyring, row.recipient_enc, 'recipient_enc', orderKey),
        itemBuyerData: itemBuyerDataOf(keyring, items),
      }),
    });
  }
  return details;
}
