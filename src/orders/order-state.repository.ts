import { sql } from 'kysely';
import type { Tx } from '../db/client.js';
import type { Keyring } from '../shared/crypto.js';
import { sealText, type ItemKey, type ItemTextColumn } from './buyer-data.js';
import type { ItemSecret, ItemState, OrderState } from './order-state.js';
import { isOnHold } from './order-transitions.js';
import { orderFactsOf, orderItemFactsOf } from './orders.service.js';
import type { NewOrderItemRow, NewOrderRow, OrderItemRow, OrderRow } from './orders.table.js';

export interface StoredOrder {
  id: number;
  state: OrderState;
}

function itemState(row: OrderItemRow): ItemState {
  return {
    ...orderItemFactsOf(row),
    customizedUrlEnc: row.customized_url_enc === null ? null : { sealed: row.customized_url_enc },
    customizationRawEnc: row.customization_raw_enc === null ? null : { sealed: row.customization_raw_enc },
    customizationSummary: row.customization_summary,
    giftMessageEnc: row.gift_message_enc === null ? null : { sealed: row.gift_message_enc },
  };
}

export function orderState(row: OrderRow, items: OrderItemRow[]): OrderState {
  return {
    ...orderFactsOf(row),
    note: row.note,
    hold: {
      state: row.cancel_request_state,
      requestedAt: row.cancel_requested_at,
      reason: row.cancel_request_reason,
      respondBy: row.cancel_respond_by,
      decidedAt: row.cancel_decided_at,
    },
    cancelledBy: row.cancelled_by,
    cancelReason: row.cancel_reason,
    buyerEnc: row.buyer_enc,
    recipientEnc: row.recipient_enc,
    buyerDataErasedAt: row.buyer_data_erased_at,
    completeCopyAt: row.complete_copy_at,
    eraseAfter: row.erase_after,
    items: items.map(itemState),
  };
}

/** Locks the company's stored copies of these orders for the rest of the transaction, with their items. */
export async function lockOrderStates(
  tx: Tx,
  companyId: number,
  amazonOrderIds: string[],
): Promise<Map<string, StoredOrder>> {
  if (amazonOrderIds.length === 0) return new Map();
  const rows = await tx
    .selectFrom('orders')
    .selectAll()
    .where('company_id', '=', companyId)
    .where('amazon_order_id', '=', sql<string>`ANY(${amazonOrderIds}::text[])`)
    .forUpdate()
    .execute();
  if (rows.length === 0) return new Map();
  const items = await tx
    .selectFrom('order_items')
    .selectAll()
    .where('order_id', '=', sql<number>`ANY(${rows.map((row) => row.id)}::bigint[])`)
    .orderBy('id')
    .execute();
  const itemsOf = new Map<number, OrderItemRow[]>();
  for (const item of items) itemsOf.set(item.order_id, [...(itemsOf.get(item.order_id) ?? []), item]);
  return new Map(
    rows.map((row) => [
      row.amazon_order_id,
      { id: row.id, state: orderState(row, itemsOf.get(row.id) ?? []) },
    ]),
  );
}

function holdReason(state: OrderState): string | null {
  if (state.hold.state === 'requested')
    return `buyer requested cancellation: ${state.hold.reason ?? 'no reason given'}`;
  if (state.hold.state === 'accepted') return 'buyer cancellation accepted; the order is not to be shipped';
  return null;
}

/** The order row that stores a state; `firstSeen` is written only when the order is new. */
export function orderRowOf(
  companyId: number,
  state: OrderState,
  firstSeen: { runId: number | null; source: string },
): NewOrderRow {
  return {
    company_id: companyId,
    amazon_order_id: state.amazonOrderId,
    marketplace_id: state.marketplaceId,
    sales_channel: state.salesChannel,
    is_checkout_by_amazon: state.isCheckoutByAmazon,
    purchase_date: state.purchaseDate,
    last_updated_at: state.lastUpdatedAt,
    status: state.status,
    fulfillment_channel: state.fulfillmentChannel,
    service_level: state.serviceLevel,
    earliest_ship_date: state.earliestShipDate,
    latest_ship_date: state.latestShipDate,
    earliest_delivery_date: state.earliestDeliveryDate,
    latest_delivery_date: state.latestDeliveryDate,
    order_total: state.orderTotal,
    currency: state.currency,
    payment_status: state.paymentStatus,
    subtypes: state.subtypes,
    replaced_order_id: state.replacedOrderId,
    note: state.note,
    on_hold: isOnHold(state.hold.state),
    hold_reason: holdReason(state),
    cancel_requested_at: state.hold.requestedAt,
    cancel_request_reason: state.hold.reason,
    cancel_respond_by: state.hold.respondBy,
    cancel_request_state: state.hold.state,
    cancel_decided_at: state.hold.decidedAt,
    cancelled_by: state.cancelledBy,
    cancel_reason: state.cancelReason,
    buyer_enc: state.buyerEnc,
    recipient_enc: state.recipientEnc,
    shipped_at: state.shippedAt,
    delivered_at: state.deliveredAt,
    complete_copy_at: state.completeCopyAt,
    erase_after: state.eraseAfter,
    seller_order_id: state.sellerOrderId,
    programs: state.programs,
    amazon_packages: state.packages,
    unknown_values: state.unknownValues,
    first_seen_run_id: firstSeen.runId,
    first_seen_source: firstSeen.source,
  };
}

function sealed(
  keyring: Keyring,
  secret: ItemSecret | null,
  column: ItemTextColumn,
  key: ItemKey,
): string | null {
  if (secret === null) return null;
  return 'sealed' in secret ? secret.sealed : sealText(keyring, secret.plain, column, key);
}

export function itemRowsOf(keyring: Keyring, orderId: number, state: OrderState): NewOrderItemRow[] {
  return state.items.map((item) => ({
    order_id: orderId,
    order_item_id: item.orderItemId,
    sku: item.sku,
    asin: item.asin,
    title: item.title,
    quantity_ordered: item.quantityOrdered,
    quantity_shipped: item.quantityShipped,
    quantity_cancelled: item.quantityCancelled,
    currency: item.currency,
    unit_price: item.unitPrice,
    item_price: item.itemPrice,
    item_tax: item.itemTax,
    shipping_price: item.shippingPrice,
    shipping_tax: item.shippingTax,
    gift_wrap_price: item.giftWrapPrice,
    gift_wrap_tax: item.giftWrapTax,
    promotion_discount: item.promotionDiscount,
    ship_promotion_discount: item.shipPromotionDiscount,
    promotion_ids: item.promotionIds,
    customized_url_enc: sealed(keyring, item.customizedUrlEnc, 'customized_url_enc', {
      orderId,
      orderItemId: item.orderItemId,
    }),
    customization_raw_enc: sealed(keyring, item.customizationRawEnc, 'customization_raw_enc', {
      orderId,
      orderItemId: item.orderItemId,
    }),
    customization_summary: item.customizationSummary,
    cancel_requested: item.cancelRequested,
    price_designation: item.priceDesignation,
    gift_wrap_level: item.giftWrapLevel,
    gift_message_enc: sealed(keyring, item.giftMessageEnc, 'gift_message_enc', {
      orderId,
      orderItemId: item.orderItemId,
    }),
  }));
}
