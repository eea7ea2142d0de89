import { sql } from 'kysely';
import type { FeedApplier } from '../feeds/feed-applier.js';
import { entityFeedApplier } from '../feeds/feed-entities.js';
import { REFUND_ENTITY } from './adjustment-message.js';
import { refreshPaymentStatus } from './payment-status.refresh.js';

const refundRows = entityFeedApplier(REFUND_ENTITY, 'refunds');

/**
 * What a payment-adjustment feed's outcome does: each refund accepted, or rejected with Amazon's
 * message, and the payment status of their orders brought up to date, in the feed's closing transaction.
 */
export const adjustmentFeedApplier: FeedApplier = {
  async applyVerdicts(tx, feed, verdicts, now) {
    await refundRows.applyVerdicts(tx, feed, verdicts, now);
    const ids = verdicts.filter((v) => v.entityKind === REFUND_ENTITY).map((v) => v.entityId);
    if (ids.length === 0) return;
    const orders = await tx
      .selectFrom('refunds')
      .select('amazon_order_id')
      .distinct()
      .where('company_id', '=', feed.companyId)
      .where('id', '=', sql<number>`ANY(${ids}::bigint[])`)
      .execute();
    await refreshPaymentStatus(
      tx,
      feed.companyId,
      orders.map((o) => o.amazon_order_id),
    );
  },
  releaseEntities: (tx, feed, entities, reason, now) =>
    refundRows.releaseEntities(tx, feed, entities, reason, now),
};
