import { sql } from 'kysely';
import type { Db, Tx } from '../db/client.js';
import type { FulfillmentChannel, OrderStatus, PaymentStatus, RefundPaymentStatus } from './orders.table.js';

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
  giftWrapPrice: string | null;
  giftWrapTax: string | null;
  promotionDiscount: string | null;
  shipPromotionDiscount: string | null;
}

export interface RefundableOrder {
  id: number;
  amazonOrderId: string;
  marketplaceId: string | null;
  status: OrderStatus;
  fulfillmentChannel: FulfillmentChannel;
  currency: string | null;
  paymentStatus: PaymentStatus;
  /** As last stored by the refunds domain; null before the order's first refresh. */
  refundPaymentStatus: RefundPaymentStatus | null;
  items: RefundableItem[];
}

const ITEM_COLUMNS = [
  'id',
  'order_id',
  'order_item_id',
  'sku',
  'quantity_ordered',
  'quantity_shipped',
  'currency',
  'item_price',
  'item_tax',
  'shipping_price',
  'shipping_tax',
  'gift_wrap_price',
  'gift_wrap_tax',
  'promotion_discount',
  'ship_promotion_discount',
] as const;

async function loadOrders(
  db: Db | Tx,
  companyId: number,
  amazonOrderIds: string[],
  lock: boolean,
): Promise<RefundableOrder[]> {
  if (amazonOrderIds.length === 0) return [];
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
      'refund_payment_status',
    ])
    .where('company_id', '=', companyId)
    .where('amazon_order_id', '=', sql<string>`ANY(${amazonOrderIds}::text[])`)
    .orderBy('id');
  if (lock) query = query.forUpdate();
  const orders = await query.execute();
  if (orders.length === 0) return [];
  const items = await db
    .selectFrom('order_items')
    .select([...ITEM_COLUMNS])
    .where('order_id', '=', sql<number>`ANY(${orders.map((o) => o.id)}::bigint[])`)
    .orderBy('id')
    .execute();
  return orders.map((order) => ({
    id: order.id,
    amazonOrderId: order.amazon_order_id,
    marketplaceId: order.marketplace_id,
    status: order.status,
    fulfillmentChannel: order.fulfillment_channel,
    currency: order.currency,
    paymentStatus: order.payment_status,
    refundPaymentStatus: order.refund_payment_status,
    items: items
      .filter((item) => Number(item.order_id) === Number(order.id))
      .map((item) => ({
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
        giftWrapPrice: item.gift_wrap_price,
        giftWrapTax: item.gift_wrap_tax,
        promotionDiscount: item.promotion_discount,
        shipPromotionDiscount: item.ship_promotion_discount,
      })),
  }));
}

async function loadOrder(db: Db | Tx, companyId: number, amazonOrderId: string, lock: boolean) {
  return (await loadOrders(db, companyId, [amazonOrderId], lock))[0] ?? null;
}

/** The order row-locked for the caller's transaction: two refunds of one order are decided one after the other. */
export function lockOrderForRefund(tx: Tx, companyId: number, amazonOrderId: string) {
  return loadOrder(tx, companyId, amazonOrderId, true);
}

export function readOrderForRefund(db: Db | Tx, companyId: number, amazonOrderId: string) {
  return loadOrder(db, companyId, amazonOrderId, false);
}

/** The orders row-locked (in id order, so two callers never deadlock), for a refresh of what refunds leave. */
export function lockOrdersForRefund(tx: Tx, companyId: number, amazonOrderIds: string[]) {
  return loadOrders(tx, companyId, amazonOrderIds, true);
}

/** Those of these orders whose payment status the refunds domain has stored. */
export async function ordersWithRefundPaymentStatus(
  db: Db | Tx,
  companyId: number,
  amazonOrderIds: readonly string[],
): Promise<string[]> {
  if (amazonOrderIds.length === 0) return [];
  const rows = await db
    .selectFrom('orders')
    .select('amazon_order_id')
    .where('company_id', '=', companyId)
    .where('amazon_order_id', '=', sql<string>`ANY(${[...amazonOrderIds]}::text[])`)
    .where('refund_payment_status', 'is not', null)
    .execute();
  return rows.map((row) => row.amazon_order_id);
}

/** Stores each order's payment status as the refunds domain computed it. */
export async function storeRefundPaymentStatuses(
  tx: Tx,
  statuses: { orderId: number; status: RefundPaymentStatus }[],
): Promise<void> {
  if (statuses.length === 0) return;
  await sql`
    UPDATE orders AS o SET refund_payment_status = v.status
    FROM unnest(${statuses.map((s) => s.orderId)}::bigint[], ${statuses.map((s) => s.status)}::text[])
      AS v(id, status)
    WHERE o.id = v.id AND o.refund_payment_status IS DISTINCT FROM v.status
  `.execute(tx);
}
