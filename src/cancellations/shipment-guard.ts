import type { Tx } from '../db/client.js';

/**
 * What a cancellation needs from shipping, provided by the fulfillment domain at wiring time (shipping
 * reads the cancellations' holds, so cancellations cannot import it): the units already on their way to
 * Amazon, and the voiding of shipments not sent yet.
 */
export interface ShipmentGuard {
  /**
   * Units per order item in the order's shipments: `pending` not sent yet (can be voided), `inUpload`
   * already in a fulfillment feed (too late to stop).
   */
  unitsInShipments(
    tx: Tx,
    orderId: number,
  ): Promise<{ pending: Map<number, number>; inUpload: Map<number, number> }>;
  /** Voids the order's shipments not yet in a feed that carry any of these items; returns how many. */
  voidPendingShipments(tx: Tx, orderId: number, orderItemRowIds: number[], reason: string): Promise<number>;
}
