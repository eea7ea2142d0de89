import { sql } from 'kysely';
import type { FeedApplier } from '../feeds/feed-applier.js';
import { entityFeedApplier } from '../feeds/feed-entities.js';
import { REFUND_ENTITY } from './adjustment-message.js';
import { refreshPaymentStatus } from './payment-status.refresh.js';
import { NO_REFUND_EVENT_HANDLERS, type RefundEventHandlers } from './refund-events.js';

const refundRows = entityFeedApplier(REFUND_ENTITY, 'refunds');

/**
 * What a payment-adjustment feed's outcome does: each refund accepted, or rejected with Amazon's
 * message, the payment status of their orders brought up to date, and the other domains told (a return
 * closes with its refund), all in the feed's closing transaction.
 */
export function adjustmentFeedApplier(events: RefundEventHandlers = NO_REFUND_EVENT_HANDLERS): FeedApplier {
  return {
    async applyVerdicts(tx, feed, verdicts, now) {
      await refundRows.applyVerdicts(tx, feed, verdicts, now);
      const ids = verdicts.filter((v) => v.entityKind === REFUND_ENTITY).map((v) => v.entityId);
      if (ids.length === 0) return;
      const decided = await tx
        .selectFrom('refunds')
        .select(['id', 'amazon_order_id', 'state', 'result_message'])
        .where('company_id', '=', feed.companyId)
        .where('id', '=', sql<number>`ANY(${ids}::bigint[])`)
        .execute();
      await refreshPaymentStatus(
        tx,
        feed.companyId,
        decided.map((r) => r.amazon_order_id),
      );
      await events.refundsDecided(tx, {
        companyId: feed.companyId,
        accepted: decided.filter((r) => r.state === 'accepted').map((r) => Number(r.id)),
        rejected: decided
          .filter((r) => r.state === 'rejected')
          .map((r) => ({ refundId: Number(r.id), message: r.result_message ?? 'rejected by Amazon' })),
        at: now,
      });
    },
    releaseEntities: (tx, feed, entities, reason, now) =>
      refundRows.releaseEntities(tx, feed, entities, reason, now),
  };
}
