import { sql, type Kysely } from 'kysely';

/**
 * The state the order merge keeps beside Amazon's copy: the buyer-cancellation hold as an explicit state
 * (none → requested → accepted | declined | expired), the time of the complete copy the ship windows and
 * buyer data come from, and the derived time after which the order's buyer data is erased.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    ALTER TABLE orders
      ADD COLUMN cancel_request_state text NOT NULL DEFAULT 'none'
        CHECK (cancel_request_state IN ('none', 'requested', 'accepted', 'declined', 'expired')),
      ADD COLUMN cancel_decided_at timestamptz,
      ADD COLUMN complete_copy_at timestamptz,
      ADD COLUMN erase_after timestamptz
  `.execute(db);
  await sql`
    UPDATE orders SET
      cancel_request_state = CASE
        WHEN cancel_requested_at IS NULL THEN 'none'
        WHEN status = 'Canceled' THEN 'accepted'
        ELSE 'requested' END,
      cancel_decided_at = CASE
        WHEN cancel_requested_at IS NOT NULL AND status = 'Canceled' THEN last_updated_at END,
      on_hold = (cancel_requested_at IS NOT NULL AND status <> 'Canceled'),
      complete_copy_at = CASE
        WHEN marketplace_id IS NOT NULL OR EXISTS (
          SELECT 1 FROM order_items oi WHERE oi.order_id = orders.id AND oi.order_item_id NOT LIKE 'report:%')
        THEN last_updated_at END,
      -- Rows written before the merge: the longest retention Amazon allows (30 days).
      erase_after = COALESCE(
        delivered_at,
        CASE WHEN status IN ('Shipped', 'InvoiceUnconfirmed')
          THEN COALESCE(latest_delivery_date, shipped_at, last_updated_at) END,
        CASE WHEN status = 'Canceled' THEN last_updated_at END
      ) + interval '30 days'
  `.execute(db);
  await sql`
    CREATE INDEX orders_erase_after ON orders (company_id, erase_after) WHERE buyer_data_erased_at IS NULL
  `.execute(db);
  await sql`ALTER TABLE order_events DROP CONSTRAINT order_events_kind_check`.execute(db);
  await sql`
    ALTER TABLE order_events ADD CONSTRAINT order_events_kind_check CHECK (kind IN ('first_seen',
      'status_changed', 'cancel_requested', 'cancel_request_decided', 'cancelled', 'shipment_confirmed',
      'buyer_data_erased'))
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DELETE FROM order_events WHERE kind = 'cancel_request_decided'`.execute(db);
  await sql`ALTER TABLE order_events DROP CONSTRAINT order_events_kind_check`.execute(db);
  await sql`
    ALTER TABLE order_events ADD CONSTRAINT order_events_kind_check CHECK (kind IN ('first_seen',
      'status_changed', 'cancel_requested', 'cancelled', 'shipment_confirmed', 'buyer_data_erased'))
  `.execute(db);
  await sql`DROP INDEX orders_erase_after`.execute(db);
  await sql`
    ALTER TABLE orders
      DROP COLUMN cancel_request_state,
      DROP COLUMN cancel_decided_at,
      DROP COLUMN complete_copy_at,
      DROP COLUMN erase_after
  `.execute(db);
}
