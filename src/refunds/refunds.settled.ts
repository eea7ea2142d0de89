import type { Db, Tx } from '../db/client.js';

/**
 * Settlement reconciliation confirms our refunds: a settlement's refund line carries the
 * MerchantAdjustmentItemID we sent, and every component of that adjusted line is marked with the
 * settlement line that confirmed it.
 */

export interface SettledAdjustment {
  merchantAdjustmentItemId: string;
  /** `<settlement-id>:<line>` of the settlement row. */
  settlementLineRef: string;
}

/** Marks the refund lines of these adjusted lines confirmed; returns the refund id of each one matched. */
export async function confirmSettledRefunds(
  tx: Tx,
  companyId: number,
  adjustments: SettledAdjustment[],
): Promise<Map<string, number>> {
  const matched = new Map<string, number>();
  for (const adjustment of adjustments) {
    const item = await tx
      .selectFrom('refund_items')
      .innerJoin('refunds', 'refunds.id', 'refund_items.refund_id')
      .select(['refund_items.refund_id', 'refund_items.order_item_row_id'])
      .where('refunds.company_id', '=', companyId)
      .where('refund_items.merchant_adjustment_item_id', '=', adjustment.merchantAdjustmentItemId)
      .executeTakeFirst();
    if (!item) continue;
    await tx
      .updateTable('refund_lines')
      .set({ settlement_line_ref: adjustment.settlementLineRef })
      .where('refund_id', '=', item.refund_id)
      .where('order_item_row_id', '=', item.order_item_row_id)
      .execute();
    matched.set(adjustment.merchantAdjustmentItemId, item.refund_id);
  }
  return matched;
}

export interface AcceptedRefund {
  refundId: number;
  amazonOrderId: string;
  currency: string;
  acceptedAt: Date;
  /** The components counted (every one, or only those no settlement line confirmed), summed. */
  amount: string;
}

/**
 * Our refunds Amazon accepted, each with its components summed (a restocking fee kept counts against
 * them): of these orders, or those of which some component no settlement line has confirmed yet.
 */
export async function acceptedRefunds(
  db: Db | Tx,
  companyId: number,
  which: { amazonOrderIds: string[] } | 'not-settled',
): Promise<AcceptedRefund[]> {
  if (which !== 'not-settled' && which.amazonOrderIds.length === 0) return [];
  let query = db
    .selectFrom('refunds')
    .innerJoin('refund_lines', 'refund_lines.refund_id', 'refunds.id')
    .select((eb) => [
      'refunds.id',
      'refunds.amazon_order_id',
      'refunds.currency',
      'refunds.finished_at',
      eb.fn.sum<string>('refund_lines.amount').as('amount'),
    ])
    .where('refunds.company_id', '=', companyId)
    .where('refunds.state', '=', 'accepted')
    .where('refunds.initiated_by', '=', 'seller');
  query =
    which === 'not-settled'
      ? query.where('refund_lines.settlement_line_ref', 'is', null)
      : query.where('refunds.amazon_order_id', 'in', which.amazonOrderIds);
  const rows = await query
    .groupBy(['refunds.id', 'refunds.amazon_order_id', 'refunds.currency', 'refunds.finished_at'])
    .orderBy('refunds.id')
    .execute();
  return rows.map((row) => ({
    refundId: Number(row.id),
    amazonOrderId: row.amazon_order_id,
    currency: row.currency,
    acceptedAt: row.finished_at as Date,
    amount: String(row.amount),
  }));
}
