import type { FeedKindDefinition } from '../feeds/feed-kinds.js';
import { fulfillmentFeedApplier } from './fulfillment.applier.js';
import { fulfillmentMessage, SHIPMENT_ENTITY } from './fulfillment-message.js';
import type { Shipment } from './shipments.repository.js';

/** Shipment confirmations: one OrderFulfillment message per package, registered with the feed pipeline. */
export const fulfillmentFeedKind: FeedKindDefinition<Shipment> = {
  kind: 'order-fulfillment',
  feedType: 'POST_ORDER_FULFILLMENT_DATA',
  messageType: 'OrderFulfillment',
  buildMessage: (shipment) => ({
    entityKind: SHIPMENT_ENTITY,
    entityId: shipment.id,
    body: fulfillmentMessage(shipment),
  }),
  applier: fulfillmentFeedApplier,
};
