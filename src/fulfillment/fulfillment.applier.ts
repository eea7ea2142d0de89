import type { FeedApplier } from '../feeds/feed-applier.js';
import { applyConfirmedShipments, lockOrdersInOrder } from '../orders/orders.shipping.js';
import { refreshStoredPaymentStatus } from '../refunds/payment-status.refresh.js';
import { SHIPMENT_ENTITY } from './fulfillment-message.js';
import {
  moveShipments,
  ordersOfShipments,
  rejectShipments,
  releaseShipments,
  shippedQuantities,
} from './shipments.repository.js';

/** What a fulfillment feed's outcome does to shipments and orders. */
export const fulfillmentFeedApplier: FeedApplier = {
  async applyVerdicts(tx, feed, verdicts, now) {
    const shipments = verdicts.filter((v) => v.entityKind === SHIPMENT_ENTITY);
    // The order rows first, as recording a shipment or a cancellation takes them (`lockOrdersInOrder`):
    // the items and then the orders updated below, another writer holding an order and then waiting for
    // its items made a deadlock.
    const orders = await ordersOfShipments(
      tx,
      shipments.map((v) => v.entityId),
    );
    await lockOrdersInOrder(tx, [...new Set(orders.map((o) => o.orderId))]);
    const accepted = shipments.filter((v) => v.accepted).map((v) => v.entityId);
    const confirmed = await moveShipments(tx, accepted, 'confirmed', { confirmed_at: now }, ['uploading']);
    await applyConfirmedShipments(tx, await shippedQuantities(tx, confirmed), `feed:${feed.amazonFeedId}`);
    // Shipped units are charged: the payment status of a refunded order may change with them.
    const shipped = new Set(confirmed);
    await refreshStoredPaymentStatus(tx, feed.companyId, [
      ...new Set(orders.filter((o) => shipped.has(o.shipmentId)).map((o) => o.amazonOrderId)),
    ]);
    await rejectShipments(
      tx,
      feed.id,
      shipments
        .filter((v) => !v.accepted)
        .map((v) => ({
          id: v.entityId,
          code: v.resultCode ?? '',
          message: v.description ?? 'rejected by Amazon',
        })),
    );
  },

  async releaseEntities(tx, feed, entities, reason, now) {
    const ids = entities.filter((e) => e.entityKind === SHIPMENT_ENTITY).map((e) => e.entityId);
    await releaseShipments(tx, feed.id, ids, reason, now);
  },
};
