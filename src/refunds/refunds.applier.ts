import type { FeedApplier } from '../feeds/feed-applier.js';
import { REFUND_ENTITY } from './adjustment-message.js';
import { moveRefunds, rejectRefunds, releaseRefundsOfFeed } from './refunds.repository.js';

/** What a payment-adjustment feed's outcome does to refunds. */
export const adjustmentFeedApplier: FeedApplier = {
  async applyVerdicts(tx, _feed, verdicts) {
    const mine = verdicts.filter((v) => v.entityKind === REFUND_ENTITY);
    await moveRefunds(
      tx,
      mine.filter((v) => v.accepted).map((v) => v.entityId),
      'accepted',
      { result_code: null, result_message: null },
      ['in_feed'],
    );
    await rejectRefunds(
      tx,
      mine
        .filter((v) => !v.accepted)
        .map((v) => ({
          id: v.entityId,
          code: v.resultCode ?? '',
          message: v.description ?? 'rejected by Amazon',
        })),
      ['in_feed'],
    );
  },

  async releaseEntities(tx, feed, entities, reason) {
    const ids = entities.filter((e) => e.entityKind === REFUND_ENTITY).map((e) => e.entityId);
    await releaseRefundsOfFeed(tx, feed.id, ids, reason);
  },
};
