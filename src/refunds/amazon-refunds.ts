import { sql } from 'kysely';
import type { Db, Tx } from '../db/client.js';
import { storedMoney } from '../shared/money.js';
import { isAdjustmentComponent, pricesIncludeTax, type AdjustmentComponent } from './adjustment-codes.js';
import type { CountedRefund } from './refundable.js';

/**
 * Refunds the settlements show that are not ours: Amazon's own (A-to-z claims, customer service, a late
 * return refund) and any given outside sellersync (Seller Central). Settlement reconciliation records them
 * in `settlement_refunds`; a line that matched one of our refunds (`matched_refund_id`) is ours and is
 * counted once, as ours. Read per line and component from the settlement lines themselves.
 */

interface SettledRefundLine {
  amazon_order_id: string;
  order_item_code: string | null;
  amount_type: string;
  amount_description: string;
  amount: string;
}

/** Where prices include tax, tax given back belongs to the component it is part of. */
export const TAX_OF: Partial<Record<AdjustmentComponent, AdjustmentComponent>> = {
  Tax: 'Principal',
  ShippingTax: 'Shipping',
  GiftWrapTax: 'GiftWrap',
};

function componentOf(line: SettledRefundLine, taxInclusive: boolean): AdjustmentComponent {
  if (line.amount_type === 'Promotion')
    return /ship/i.test(line.amount_description) ? 'Shipping' : 'Principal';
  const named = isAdjustmentComponent(line.amount_description) ? line.amount_description : 'Other';
  return (taxInclusive && TAX_OF[named]) || named;
}

export interface AmazonRefund extends CountedRefund {
  amazonOrderId: string;
}

/**
 * The settled refunds not ours of these orders, per order item and component, as money given back
 * (positive; a restocking fee kept is negative, as in our own refunds). A promotion taken back lowers
 * what was given back of the component it discounted.
 */
export async function amazonRefunds(
  db: Db | Tx,
  companyId: number,
  orders: { amazonOrderId: string; marketplaceId: string | null; currency: string }[],
): Promise<AmazonRefund[]> {
  if (orders.length === 0) return [];
  const { rows } = await sql<SettledRefundLine>`
    SELECT l.order_id AS amazon_order_id, l.order_item_code, l.amount_type, l.amount_description,
           sum(l.amount)::text AS amount
    FROM settlement_lines l JOIN settlements s ON s.id = l.settlement_pk
    WHERE s.company_id = ${companyId} AND l.order_id = ANY(${orders.map((o) => o.amazonOrderId)}::text[])
      AND l.transaction_type ILIKE '%refund' AND l.amount_type IN ('ItemPrice', 'Promotion')
      AND EXISTS (
        SELECT 1 FROM settlement_refunds r
        WHERE r.settlement_pk = l.settlement_pk AND r.amazon_order_id = l.order_id
          AND r.order_item_code IS NOT DISTINCT FROM l.order_item_code
          AND r.merchant_adjustment_item_id IS NOT DISTINCT FROM l.merchant_adjustment_item_id
          AND r.matched_refund_id IS NULL)
    GROUP BY l.order_id, l.order_item_code, l.amount_type, l.amount_description
  `.execute(db);
  const byOrder = new Map(orders.map((o) => [o.amazonOrderId, o]));
  const summed = new Map<string, AmazonRefund>();
  for (const row of rows) {
    const order = byOrder.get(row.amazon_order_id)!;
    const component = componentOf(row, pricesIncludeTax(order.marketplaceId));
    const key = `${row.amazon_order_id}/${row.order_item_code ?? ''}/${component}`;
    const given = -storedMoney(row.amount, order.currency);
    const known = summed.get(key);
    if (known) known.amount += given;
    else
      summed.set(key, {
        amazonOrderId: row.amazon_order_id,
        orderItemId: row.order_item_code ?? '',
        component,
        amount: given,
        inFlight: false,
        byAmazon: true,
      });
  }
  return [...summed.values()].filter((refund) => refund.amount !== 0n);
}
