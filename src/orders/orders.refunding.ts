import type { Db, Tx } from '../db/client.js';
import type { FulfillmentChannel, OrderStatus, PaymentStatus } from './orders.table.js';

/** What refunds and returns need of an order: its status, currency and each item's charges as stored. */

export interface RefundableItem {
  rowId: number;
  orderItemId: string;
  sku: string | null;
  quantityOrdered: number;
  quantityShipped: number;
  currency: string | null;
  /** Line totals as Amazon sent them (decimal strings), for every unit ordered. */
  itemPrice: string | null;
  itemTax: string | null;
  shippingPrice: string | null;
  shippingTax: string | null;
  promotionDiscount: string | null;
}

export interface RefundableOrder {
  id: number;
  amazonOrderId: string;
  marketplaceId: string | null;
  status: OrderStatus;
  fulfillmentChannel: FulfillmentChannel;
  currency: string | null;
  paymentStatus: PaymentStatus;
  items: RefundableItem[];
}

async function loadOrder(
  db: Db | Tx,
  companyId: number,
  amazonOrderId: string,
  lock: boolean,
): Promise<RefundableOrder | null> {
  let query = db
    .selectFrom('orders')
    .select([
      'id',
      'amazon_order_id',
      'marketplace_id',
      'status',
      'fulfillment_channel',
      'currency',
      'payment_status',
    ])
    .where('company_id', '=', companyId)
    .where('amazon_order_id', '=', amazonOrderId);
  if (lock) query = query.forUpdate();
  const order = await query.executeTakeFirst();
  if (!order) return null;
  const items = await db
    .selectFrom('order_items')
    .select([
      'id',
      'order_item_id',
      'sku',
      'quantity_ordered',
      'quantity_shipped',
      'currency',
      'item_price',
      'item_tax',
      'shipping_price',
      'shipping_tax',
      'promotion_discount',
    ])
    .where('order_id', '=', order.id)
    .orderBy('id')
    .execute();
  return {
    id: order.id,
    amazonOrderId: order.amazon_order_id,
    marketplaceId: order.marketplace_id,
    status: order.status,
    fulfillmentChannel: order.fulfillment_channel,
    currency: order.currency,
    paymentStatus: order.payment_status,
    items: items.map((item) => ({
      rowId: item.id,
      orderItemId: item.order_item_id,
      sku: item.sku,
      quantityOrdered: item.quantity_ordered,
      quantityShipped: item.quantity_shipped,
      currency: item.currency,
      itemPrice: item.item_price,
      itemTax: item.item_tax,
      shippingPrice: item.shipping_price,
      shippingTax: item.shipping_tax,
      promotionDiscount: item.promotion_discount,
    })),
  };
}

/** The order row-locked for the caller's transaction: two refunds of one order are decided one after the other. */
export function lockOrderForRefund(tx: Tx, companyId: number, amazonOrderId: string) {
  return loadOrder(tx, companyId, amazonOrderId, true);
}

export function readOrderForRefund(db: Db | Tx, companyId: number, amazonOrderId: string) {
  return loadOrder(db, companyId, amazonOrderId, false);
}
