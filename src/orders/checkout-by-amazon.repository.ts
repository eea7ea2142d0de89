import type { Db, Tx } from '../db/client.js';

/** A Checkout by Amazon order skipped while the company did not import them. */
export interface SkippedOrder {
  amazonOrderId: string;
  lastUpdatedAt: Date;
}

/**
 * Remembers skipped Checkout by Amazon orders (inside the transaction of their batch): one row per order,
 * with the newest copy skipped.
 */
export async function rememberSkippedOrders(
  tx: Tx,
  companyId: number,
  skipped: readonly SkippedOrder[],
  source: string,
  skippedAt: Date,
): Promise<void> {
  if (skipped.length === 0) return;
  const newest = new Map<string, SkippedOrder>();
  for (const order of skipped) {
    const known = newest.get(order.amazonOrderId);
    if (!known || known.lastUpdatedAt < order.lastUpdatedAt) newest.set(order.amazonOrderId, order);
  }
  await tx
    .insertInto('skipped_checkout_by_amazon_orders')
    .values(
      [...newest.values()].map((order) => ({
        company_id: companyId,
        amazon_order_id: order.amazonOrderId,
        last_updated_at: order.lastUpdatedAt,
        skipped_at: skippedAt,
        source,
      })),
    )
    .onConflict((oc) =>
      oc.columns(['company_id', 'amazon_order_id']).doUpdateSet((eb) => ({
        last_updated_at: eb.fn('greatest', [
          eb.ref('skipped_checkout_by_amazon_orders.last_updated_at'),
          eb.ref('excluded.last_updated_at'),
        ]),
        skipped_at: eb.ref('excluded.skipped_at'),
        source: eb.ref('excluded.source'),
      })),
    )
    .execute();
}

/** The orders are stored (or set aside as download problems): they are no longer waiting to be imported. */
export async function forgetSkippedOrders(
  db: Db | Tx,
  companyId: number,
  amazonOrderIds: readonly string[],
): Promise<void> {
  if (amazonOrderIds.length === 0) return;
  await db
    .deleteFrom('skipped_checkout_by_amazon_orders')
    .where('company_id', '=', companyId)
    .where('amazon_order_id', 'in', amazonOrderIds)
    .execute();
}

/** The company's skipped orders still to import, oldest update first. */
export async function findSkippedOrders(db: Db, companyId: number, limit: number): Promise<string[]> {
  const rows = await db
    .selectFrom('skipped_checkout_by_amazon_orders')
    .select('amazon_order_id')
    .where('company_id', '=', companyId)
    .orderBy('last_updated_at')
    .orderBy('amazon_order_id')
    .limit(limit)
    .execute();
  return rows.map((row) => row.amazon_order_id);
}
