import { sql } from 'kysely';
import type { Db, Tx } from '../db/client.js';
import type { RefundableOrder } from '../orders/orders.refunding.js';
import { storedMoney } from '../shared/money.js';
import { isAdjustmentComponent, pricesIncludeTax } from './adjustment-codes.js';
import { TAX_OF, type AmazonRefund } from './amazon-refunds.js';

/**
 * Amazon's own refunds the Finances API reported (`finance_transactions`, written by settlement
 * reconciliation) that no settlement has carried yet, per order item (by SKU) and component. Once a
 * settlement carries one it is marked with that settlement and counted from the settlement instead, once.
 */
export async function reportedAmazonRefunds(
  db: Db | Tx,
  companyId: number,
  orders: { order: RefundableOrder; currency: string }[],
): Promise<AmazonRefund[]> {
  if (orders.length === 0) return [];
  const { rows } = await sql<{ amazon_order_id: string; sku: string; component: string; amount: string }>`
    SELECT f.amazon_order_id, i.sku, i.component, sum(i.amount::numeric)::text AS amount
    FROM finance_transactions f,
         jsonb_to_recordset(f.refunded_items) AS i (sku text, component text, amount text)
    WHERE f.company_id = ${companyId} AND f.transaction_type = 'Refund' AND f.initiated_by = 'amazon'
      AND f.settlement_id IS NULL AND f.amazon_order_id = ANY(${orders.map(({ order }) => order.amazonOrderId)}::text[])
    GROUP BY f.amazon_order_id, i.sku, i.component`.execute(db);
  const byOrder = new Map(orders.map((entry) => [entry.order.amazonOrderId, entry]));
  return rows.flatMap((row) => {
    const { order, currency } = byOrder.get(row.amazon_order_id)!;
    const item = order.items.find((candidate) => candidate.sku === row.sku);
    if (!item) return [];
    const named = isAdjustmentComponent(row.component) ? row.component : 'Other';
    const component = (pricesIncludeTax(order.marketplaceId) && TAX_OF[named]) || named;
    return [
      {
        amazonOrderId: row.amazon_order_id,
        orderItemId: item.orderItemId,
        component,
        amount: storedMoney(row.amount, currency),
        inFlight: false,
        byAmazon: true,
      },
    ];
  });
}
