import type { FeedKindDefinition } from '../feeds/feed-kinds.js';
import { adjustmentMessage, REFUND_ENTITY } from './adjustment-message.js';
import { adjustmentFeedApplier } from './refunds.applier.js';
import type { Refund } from './refunds.repository.js';

/** Refunds: one OrderAdjustment (ActionType Refund) message each, registered with the feed pipeline. */
export const adjustmentFeedKind: FeedKindDefinition<Refund> = {
  kind: 'payment-adjustment',
  feedType: 'POST_PAYMENT_ADJUSTMENT_DATA',
  messageType: 'OrderAdjustment',
  buildMessage: (refund) => ({
    entityKind: REFUND_ENTITY,
    entityId: refund.id,
    body: adjustmentMessage(refund),
  }),
  applier: adjustmentFeedApplier,
};
