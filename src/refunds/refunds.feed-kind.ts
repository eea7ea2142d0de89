import type { FeedKindDefinition } from '../feeds/feed-kinds.js';
import { adjustmentMessage, REFUND_ENTITY } from './adjustment-message.js';
import type { RefundEventHandlers } from './refund-events.js';
import { adjustmentFeedApplier } from './refunds.applier.js';
import type { Refund } from './refunds.repository.js';

/**
 * Refunds: one OrderAdjustment (ActionType Refund) message each, registered with the feed pipeline;
 * `src/wiring.ts` registers it with the other domains' handlers of Amazon's verdicts.
 */
export function adjustmentFeedKindWith(events?: RefundEventHandlers): FeedKindDefinition<Refund> {
  return {
    kind: 'payment-adjustment',
    feedType: 'POST_PAYMENT_ADJUSTMENT_DATA',
    messageType: 'OrderAdjustment',
    buildMessage: (refund) => ({
      entityKind: REFUND_ENTITY,
      entityId: refund.id,
      body: adjustmentMessage(refund),
    }),
    applier: adjustmentFeedApplier(events),
  };
}

/** The kind as the refunds domain builds and stores its feeds (its verdicts are applied by the registered one). */
export const adjustmentFeedKind = adjustmentFeedKindWith();
