import type { Db, Tx } from '../db/client.js';
import type { FeedEntity } from './feed-applier.js';
import { applierFor, type FeedPipeline } from './feed-pipeline.js';
import { statesLeadingTo, type FeedState } from './feed-states.js';
import type { ReportJudgement } from './feed-verdicts.js';
import {
  listFeedMessages,
  lockFeed,
  moveFeed,
  recordMessageOutcomes,
  type Feed,
} from './feeds.repository.js';
import type { FeedSummary } from './feeds.table.js';

/** What each message of a feed stands for. */
export async function feedEntities(db: Db | Tx, feedId: number): Promise<FeedEntity[]> {
  return (await listFeedMessages(db, feedId)).map((row) => ({
    messageId: row.message_id,
    entityKind: row.entity_kind,
    entityId: row.entity_id,
  }));
}

/** Locks the feed; null when it is no longer in a state that may move to `to` (closed by someone else). */
async function lockForMove(tx: Tx, feedId: number, to: FeedState): Promise<Feed | null> {
  const locked = await lockFeed(tx, feedId);
  return locked && statesLeadingTo(to).includes(locked.state) ? locked : null;
}

/**
 * Ends a feed without a per-message verdict (Amazon cancelled or aborted it, refused it, or rejected
 * the whole document): its entities are released to wait for a later feed. Returns false when the
 * feed had already been closed.
 */
export async function closeWithoutVerdict(
  pipeline: FeedPipeline,
  feed: Feed,
  to: 'cancelled' | 'fatal' | 'refused',
  reason: string,
  amazonStatus: string | null,
  now: Date,
): Promise<boolean> {
  const applier = applierFor(pipeline, feed.kind);
  return pipeline.db.transaction().execute(async (tx) => {
    const locked = await lockForMove(tx, feed.id, to);
    if (!locked) return false;
    const entities = await feedEntities(tx, feed.id);
    const moved = await moveFeed(tx, feed.id, to, { error: reason, amazon_status: amazonStatus });
    await recordMessageOutcomes(
      tx,
      feed.id,
      entities.map((e) => ({
        messageId: e.messageId,
        result: 'released',
        resultCode: null,
        resultDescription: reason,
      })),
    );
    await applier.releaseEntities(tx, moved ?? locked, entities, reason, now);
    return true;
  });
}

/** Applies a DONE feed's processing report per MessageID, in the transaction that marks the feed done. */
export async function closeWithReport(
  pipeline: FeedPipeline,
  feed: Feed,
  judgement: ReportJudgement,
  summary: FeedSummary | null,
  now: Date,
): Promise<boolean> {
  if (judgement.kind === 'document-rejected') {
    return closeWithoutVerdict(
      pipeline,
      feed,
      'fatal',
      `Amazon rejected the document: ${judgement.reason}`,
      'DONE',
      now,
    );
  }
  const applier = applierFor(pipeline, feed.kind);
  return pipeline.db.transaction().execute(async (tx) => {
    const locked = await lockForMove(tx, feed.id, 'done');
    if (!locked) return false;
    const moved = await moveFeed(tx, feed.id, 'done', {
      amazon_status: 'DONE',
      summary: summary ? JSON.stringify(summary) : null,
    });
    const unaccountedReason = `the processing report does not account for this message (processed ${summary?.messagesProcessed ?? 'unknown'} of ${judgement.verdicts.length + judgement.unaccounted.length})`;
    await recordMessageOutcomes(tx, feed.id, [
      ...judgement.verdicts.map((v) => ({
        messageId: v.messageId,
        result: v.accepted ? ('accepted' as const) : ('rejected' as const),
        resultCode: v.resultCode,
        resultDescription: v.description,
      })),
      ...judgement.unaccounted.map((e) => ({
        messageId: e.messageId,
        result: 'released' as const,
        resultCode: null,
        resultDescription: unaccountedReason,
      })),
    ]);
    await applier.applyVerdicts(tx, moved ?? locked, judgement.verdicts, now);
    if (judgement.unaccounted.length > 0) {
      await applier.releaseEntities(tx, moved ?? locked, judgement.unaccounted, unaccountedReason, now);
    }
    return true;
  });
}
