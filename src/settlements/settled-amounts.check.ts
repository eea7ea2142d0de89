import { sql } from 'kysely';
import type { Db } from '../db/client.js';
import { chargedOrders } from '../orders/orders.settled.js';
import { pricesIncludeTax } from '../refunds/adjustment-codes.js';
import { formatMoney, storedMoney } from '../shared/money.js';
import { resolveDiscrepancy, upsertDiscrepancy } from './discrepancies.repository.js';
import { compareSettledItem, type Amounts, type ComparedComponent } from './settled-amounts.js';

interface SettledRow {
  order_id: string;
  order_item_code: string;
  currency: string | null;
  principal: string;
  tax: string;
  shipping: string;
  units: number | null;
  settlement_ids: string[];
}

const TAXES = sql.raw("'Tax', 'ShippingTax'");

/** The sale lines of these orders over every settlement of the company, per order item. */
async function settledItems(db: Db, companyId: number, amazonOrderIds: string[]): Promise<SettledRow[]> {
  const { rows } = await sql<SettledRow>`
    SELECT l.order_id, l.order_item_code, max(s.currency) AS currency,
           coalesce(sum(l.amount) FILTER (WHERE l.amount_description = 'Principal'), 0)::text AS principal,
           coalesce(sum(l.amount) FILTER (WHERE l.amount_description IN (${TAXES})), 0)::text AS tax,
           coalesce(sum(l.amount) FILTER (WHERE l.amount_description = 'Shipping'), 0)::text AS shipping,
           (sum(l.quantity) FILTER (WHERE l.amount_description = 'Principal'))::int AS units,
           array_agg(DISTINCT s.settlement_id ORDER BY s.settlement_id) AS settlement_ids
    FROM settlement_lines l JOIN settlements s ON s.id = l.settlement_pk
    WHERE s.company_id = ${companyId} AND l.order_id = ANY(${amazonOrderIds}::text[])
      AND l.transaction_type = 'Order' AND l.amount_type = 'ItemPrice' AND l.order_item_code IS NOT NULL
    GROUP BY l.order_id, l.order_item_code`.execute(db);
  return rows;
}

function describe(components: ComparedComponent[], settled: Amounts, order: Amounts, currency: string) {
  return components
    .map(
      (component) =>
        `${component} settled ${formatMoney(settled[component], currency)}, the order says ${formatMoney(order[component], currency)}`,
    )
    .join('; ');
}

const money = (amounts: Amounts, currency: string) =>
  Object.fromEntries(Object.entries(amounts).map(([key, units]) => [key, formatMoney(units, currency)]));

/**
 * Compares the settled Principal, Tax and Shipping of each item of these orders with what the order says
 * was charged: a difference is a `settled_amount_differs` discrepancy with both amounts; found the same
 * later (a corrected file), it is resolved. Orders not stored are left to `unknown_order`. Returns how
 * many items differ.
 */
export async function checkSettledAmounts(
  db: Db,
  companyId: number,
  amazonOrderIds: string[],
  now: Date,
): Promise<number> {
  let differing = 0;
  for (let start = 0; start < amazonOrderIds.length; start += 1000) {
    const chunk = amazonOrderIds.slice(start, start + 1000);
    const orders = await chargedOrders(db, companyId, chunk);
    for (const row of await settledItems(db, companyId, chunk)) {
      const order = orders.get(row.order_id);
      const item = order?.items.find((candidate) => candidate.orderItemId === row.order_item_code);
      const currency = row.currency ?? order?.currency ?? null;
      if (!order || !item || currency === null) continue;
      const settled = {
        Principal: storedMoney(row.principal, currency),
        Tax: storedMoney(row.tax, currency),
        Shipping: storedMoney(row.shipping, currency),
      };
      const comparison = compareSettledItem(
        { amazonOrderId: row.order_id, orderItemCode: row.order_item_code, settled, units: row.units },
        item,
        currency,
        pricesIncludeTax(order.marketplaceId),
      );
      const key = `${row.order_id}:${row.order_item_code}`;
      if (comparison.kind === 'same')
        await resolveDiscrepancy(db, companyId, 'settled_amount_differs', key, now);
      if (comparison.kind !== 'differs') continue;
      differing += 1;
      await upsertDiscrepancy(db, {
        companyId,
        settlementPk: null,
        kind: 'settled_amount_differs',
        key,
        amazonOrderId: row.order_id,
        detail: {
          orderItemId: row.order_item_code,
          settlementIds: row.settlement_ids,
          currency,
          settled: money(comparison.settled, currency),
          order: money(comparison.order, currency),
          components: comparison.components,
          problem: describe(comparison.components, comparison.settled, comparison.order, currency),
        },
      });
    }
  }
  return differing;
}
