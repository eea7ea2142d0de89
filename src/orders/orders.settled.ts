import type { Db } from '../db/client.js';
import { commitDrafts, type DownloadContext } from './download-context.js';
import { downloadCustomizations, draftsOf, FULL_DATA } from './search-pages.js';

/**
 * What the settlements domain needs of orders: which of the orders a settlement names are stored, and
 * one order fetched with getOrder and stored like any downloaded copy.
 */

export async function storedAmazonOrderIds(
  db: Db,
  companyId: number,
  amazonOrderIds: string[],
): Promise<Set<string>> {
  if (amazonOrderIds.length === 0) return new Set();
  const rows = await db
    .selectFrom('orders')
    .select('amazon_order_id')
    .where('company_id', '=', companyId)
    .where('amazon_order_id', 'in', amazonOrderIds)
    .execute();
  return new Set(rows.map((row) => row.amazon_order_id));
}

/**
 * Fetches one order with getOrder and stores it through the download's own merge (`source` says why,
 * e.g. `getOrder(settlement):<settlement-id>`); false when Amazon's copy could not be stored.
 */
export async function fetchAndStoreOrder(
  context: DownloadContext,
  amazonOrderId: string,
  source: string,
): Promise<boolean> {
  const order = await context.port.getOrder(amazonOrderId, FULL_DATA);
  const { drafts, rejected } = draftsOf([order]);
  if (rejected.length > 0 || drafts.length === 0) return false;
  const customizations = await downloadCustomizations(context, drafts);
  const unstorable = await commitDrafts(context, drafts, source, async () => undefined, customizations);
  return unstorable.length === 0;
}

export interface ChargedOrderItem {
  orderItemId: string;
  quantityOrdered: number;
  quantityShipped: number;
  /** Line totals as Amazon sent them with the order, for every unit ordered (decimal strings). */
  itemPrice: string | null;
  itemTax: string | null;
  shippingPrice: string | null;
  shippingTax: string | null;
}

export interface ChargedOrder {
  amazonOrderId: string;
  marketplaceId: string | null;
  currency: string | null;
  items: ChargedOrderItem[];
}

/** What the stored orders say was charged, item by item, for the orders a settlement names. */
export async function chargedOrders(
  db: Db,
  companyId: number,
  amazonOrderIds: string[],
): Promise<Map<string, ChargedOrder>> {
  const orders = new Map<string, ChargedOrder>();
  if (amazonOrderIds.length === 0) return orders;
  const rows = await db
    .selectFrom('orders')
    .innerJoin('order_items', 'order_items.order_id', 'orders.id')
    .select([
      'orders.amazon_order_id',
      'orders.marketplace_id',
      'orders.currency',
      'order_items.currency as item_currency',
      'order_items.order_item_id',
      'order_items.quantity_ordered',
      'order_items.quantity_shipped',
      'order_items.item_price',
      'order_items.item_tax',
      'order_items.shipping_price',
      'order_items.shipping_tax',
    ])
    .where('orders.company_id', '=', companyId)
    .where('orders.amazon_order_id', 'in', amazonOrderIds)
    .orderBy('order_items.id')
    .execute();
  for (const row of rows) {
    const order = orders.get(row.amazon_order_id) ?? {
      amazonOrderId: row.amazon_order_id,
      marketplaceId: row.marketplace_id,
      currency: row.currency ?? row.item_currency,
      items: [],
    };
    order.items.push({
      orderItemId: row.order_item_id,
      quantityOrdered: row.quantity_ordered,
      quantityShipped: row.quantity_shipped,
      itemPrice: row.item_price,
      itemTax: row.item_tax,
      shippingPrice: row.shipping_price,
      shippingTax: row.shipping_tax,
    });
    orders.set(row.amazon_order_id, order);
  }
  return orders;
}
