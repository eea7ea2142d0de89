import type { Tx } from '../db/client.js';

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
