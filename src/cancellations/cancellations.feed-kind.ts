import type { FeedKindDefinition } from '../feeds/feed-kinds.js';
import {
  acknowledgementMessage,
  CANCELLATION_ENTITY,
  type CancellationToSend,
} from './acknowledgement-message.js';
import { acknowledgementFeedApplier } from './cancellations.applier.js';

/** Seller cancellations: one OrderAcknowledgement (StatusCode Failure) message each, registered with the feed pipeline. */
export const acknowledgementFeedKind: FeedKindDefinition<CancellationToSend> = {
  kind: 'order-acknowledgement',
  feedType: 'POST_ORDER_ACKNOWLEDGEMENT_DATA',
  messageType: 'OrderAcknowledgement',
  buildMessage: (cancellation) => ({
    entityKind: CANCELLATION_ENTITY,
    entityId: cancellation.id,
    body: acknowledgementMessage(cancellation),
  }),
  applier: acknowledgementFeedApplier,
};
