import type { ShipmentGuard } from '../cancellations/shipment-guard.js';
import type { Tx } from '../db/client.js';

/** Shipping's side of a cancellation: what is already on its way, and voiding what is not. */
export const fulfillmentShipmentGuard: ShipmentGuard = {
  async unitsInShipments(tx: Tx, orderId: number) {
    const rows = await tx
      .selectFrom('shipment_items')
      .innerJoin('shipments', 'shipments.id', 'shipment_items.shipment_id')
      .select([
        'shipments.state',
        'shipment_items.order_item_row_id',
        (eb) => eb.fn.sum<string>('shipment_items.quantity').as('quantity'),
      ])
      .where('shipments.order_id', '=', orderId)
      .where('shipments.state', 'in', ['pending_upload', 'uploading'])
      .groupBy(['shipments.state', 'shipment_items.order_item_row_id'])
      .execute();
    const pending = new Map<number, number>();
    const inUpload = new Map<number, number>();
    for (const row of rows) {
      const target = row.state === 'pending_upload' ? pending : inUpload;
      target.set(Number(row.order_item_row_id), Number(row.quantity));
    }
    return { pending, inUpload };
  },

  async voidPendingShipments(tx: Tx, orderId: number, orderItemRowIds: number[], reason: string) {
    if (orderItemRowIds.length === 0) return 0;
    const voided = await tx
      .updateTable('shipments')
      .set({ state: 'voided', void_reason: reason, updated_at: new Date() })
      .where('order_id', '=', orderId)
      .where('state', '=', 'pending_upload')
      .where((eb) =>
        eb.exists(
          eb
            .selectFrom('shipment_items')
            .select('shipment_items.shipment_id')
            .whereRef('shipment_items.shipment_id', '=', 'shipments.id')
            .where('shipment_items.order_item_row_id', 'in', orderItemRowIds),
        ),
      )
      .returning('id')
      .execute();
    return voided.length;
  },
};
