import type { FeedApplier } from '../feeds/feed-applier.js';
import { applyAcceptedCancellations } from '../orders/orders.cancelling.js';
import { lockOrdersInOrder } from '../orders/orders.shipping.js';
import { CANCELLATION_ENTITY } from './acknowledgement-message.js';
import { cancelledTargets } from './cancelled-target.js';
import {
  acceptedLinesOf,
  listCancellations,
  moveCancellations,
  rejectCancellations,
  releaseCancellationsOfFeed,
} from './cancellations.repository.js';

/** What an acknowledgement feed's outcome does to cancellations and orders. */
export const acknowledgementFeedApplier: FeedApplier = {
  async applyVerdicts(tx, feed, verdicts, now) {
    const mine = verdicts.filter((v) => v.entityKind === CANCELLATION_ENTITY);
    // The order rows first, as recording a shipment or a cancellation takes them: the items and then the
    // orders updated below, another writer holding an order and then waiting for its items made a deadlock.
    const ofFeed = await listCancellations(tx, feed.companyId, { ids: mine.map((v) => v.entityId) });
    await lockOrdersInOrder(tx, [...new Set(ofFeed.map((c) => c.orderId))]);
    const accepted = await moveCancellations(
      tx,
      mine.filter((v) => v.accepted).map((v) => v.entityId),
      'accepted',
      now,
      { result_code: null, result_message: null },
      ['in_feed'],
    );
    const cancellations = ofFeed.filter((c) => accepted.includes(c.id));
    const rowIds = [...new Set(cancellations.flatMap((c) => c.items.map((item) => item.orderItemRowId)))];
    const lines = (await acceptedLinesOf(tx, rowIds)).map((line) =>
      accepted.includes(line.cancellationId) ? { ...line, acceptedAt: null } : line,
    );
    await applyAcceptedCancellations(
      tx,
      cancelledTargets(new Set(accepted), lines),
      `feed:${feed.amazonFeedId}`,
    );
    await rejectCancellations(
      tx,
      mine
        .filter((v) => !v.accepted)
        .map((v) => ({
          id: v.entityId,
          code: v.resultCode ?? '',
          message: v.description ?? 'rejected by Amazon',
        })),
      ['in_feed'],
      now,
    );
  },

  async releaseEntities(tx, feed, entities, reason, now) {
    const ids = entities.filter((e) => e.entityKind === CANCELLATION_ENTITY).map((e) => e.entityId);
    await releaseCancellationsOfFeed(tx, feed.id, ids, reason, now);
  },
};
