import { sql } from 'kysely';
import type { Db } from '../db/client.js';

/**
 * Amazon's Data Protection Policy: buyer and recipient data are kept no longer than 30 days after
 * delivery. Erases them (and the customization data and gift messages, which the buyer wrote) from the
 * company's orders past their erase-after time, or delivered more than `retentionDays` ago; everything
 * non-personal stays. Returns how many orders.
 */
export async function eraseExpiredBuyerData(
  db: Db,
  companyId: number,
  retentionDays: number,
  now: Date,
): Promise<number> {
  // erase_after was derived with the retention in force when the order was stored; a shorter one now wins.
  const cutoff = new Date(now.getTime() - retentionDays * 86_400_000);
  return db.transaction().execute(async (tx) => {
    const erased = await tx
      .updateTable('orders')
      .set({ buyer_enc: null, recipient_enc: null, note: null, buyer_data_erased_at: now, updated_at: now })
      .where('company_id', '=', companyId)
      .where((eb) =>
        eb.or([
          eb('erase_after', '<=', now),
          eb('delivered_at', '<', cutoff),
          // Shipped by a shipment Amazon confirmed, and not downloaded since: delivered by its latest
          // delivery date, or when it shipped, as the merge would have it.
          eb.and([
            eb('erase_after', 'is', null),
            eb('status', 'in', ['Shipped', 'InvoiceUnconfirmed']),
            eb(eb.fn.coalesce('latest_delivery_date', 'shipped_at'), '<', cutoff),
          ]),
        ]),
      )
      .where('buyer_data_erased_at', 'is', null)
      .where(
        sql<boolean>`(buyer_enc IS NOT NULL OR recipient_enc IS NOT NULL OR note IS NOT NULL OR EXISTS (
        SELECT 1 FROM order_items oi WHERE oi.order_id = orders.id AND (oi.customized_url_enc IS NOT NULL OR oi.gift_message_enc IS NOT NULL)))`,
      )
      .returning('id')
      .execute();
    const ids = erased.map((row) => row.id);
    if (ids.length === 0) return 0;
    await tx
      .updateTable('order_items')
      .set({
        customized_url_enc: null,
        customization_raw_enc: null,
        customization_summary: null,
        gift_message_enc: null,
        updated_at: now,
      })
      .where('order_id', '=', sql<number>`ANY(${ids}::bigint[])`)
      .execute();
    await tx
      .insertInto('order_events')
      .values(
        ids.map((id) => ({
          order_id: id,
          kind: 'buyer_data_erased' as const,
          from_status: null,
          to_status: null,
          detail: JSON.stringify({ retentionDays }),
          run_id: null,
          source: 'buyer-data-retention',
        })),
      )
      .execute();
    return ids.length;
  });
}
