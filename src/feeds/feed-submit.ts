import { closeWithoutVerdict } from './feed-close.js';
import type { FeedKind } from './feed-kinds.js';
import { classifyCreateFeedFailure, landingHorizonEnd, mayStillLand } from './feed-landing.js';
import { followDelayMs, type FeedPipeline } from './feed-pipeline.js';
import { findOnAmazon } from './feed-search.js';
import { listFeeds, moveFeed, readFeedContent, restartSubmission, type Feed } from './feeds.repository.js';

/**
 * Sending a stored feed to Amazon, exactly once:
 *   prepared → uploaded    createFeedDocument + PUT; the document id is recorded
 *   uploaded → submitting  the attempt's start time is recorded *before* createFeed, on our clock and,
 *                          when an Amazon response of this run just told it, on Amazon's
 *   submitting → submitted createFeed's feed id is recorded
 * A createFeed whose outcome is unknown (timeout, reset, 5xx, crash) leaves the feed in `submitting`:
 * the request may still land at Amazon, so nothing of the kind is sent until the landing horizon has
 * passed; then getFeeds is searched over the whole window and what it finds is adopted. Only when it
 * finds nothing is createFeed called again.
 */

export interface SubmitOutcome {
  /** Feeds Amazon holds now (submitted this run, or found after an interrupted submission). */
  submitted: Feed[];
  /** Feeds Amazon refused (a 4xx); their entities went back to wait. */
  refused: number;
  /** A feed whose createFeed may still land: nothing more of the kind is sent before `until`. */
  awaitingLanding: { feedId: number; until: Date } | null;
}

/**
 * Amazon's clock just before an attempt, from the last Amazon response of this run before createFeed
 * (createFeedDocument's, or the search's past the horizon); null when this run has none, as for a
 * feed uploaded by an earlier run: its search then falls back to our clock and the measured offset.
 */
type AmazonTimeBeforeAttempt = Date | null;

async function uploadDocument(
  pipeline: FeedPipeline,
  feed: Feed,
): Promise<{ feed: Feed; amazonTime: AmazonTimeBeforeAttempt }> {
  const { content, contentType } = await readFeedContent(pipeline.db, feed.id);
  pipeline.signal.throwIfAborted();
  const document = await pipeline.amazon.createFeedDocument(contentType);
  await pipeline.amazon.uploadFeedDocument(document.url, contentType, content);
  const moved = await moveFeed(pipeline.db, feed.id, 'uploaded', { document_id: document.feedDocumentId });
  if (!moved) throw new Error(`feed ${feed.id} changed state while its document was uploaded`);
  return { feed: moved, amazonTime: document.amazonTime ?? null };
}

async function recordSubmitted(
  pipeline: FeedPipeline,
  feed: Feed,
  amazonFeedId: string,
  status: string,
  now: Date,
): Promise<Feed> {
  const moved = await moveFeed(pipeline.db, feed.id, 'submitted', {
    amazon_feed_id: amazonFeedId,
    amazon_status: status,
    next_check_at: new Date(now.getTime() + followDelayMs(0)),
  });
  if (!moved) throw new Error(`feed ${feed.id} changed state while it was submitted`);
  return moved;
}

function attemptTime(pipeline: FeedPipeline, runTime: Date): Date {
  return pipeline.clock?.() ?? runTime;
}

/** Records the start of a createFeed attempt; past the horizon an earlier attempt is searched for first. */
async function startAttempt(
  pipeline: FeedPipeline,
  feed: Feed,
  amazonTime: AmazonTimeBeforeAttempt,
  now: Date,
): Promise<{ adopted: Feed } | { attempt: Feed }> {
  if (feed.state !== 'submitting') {
    const moved = await moveFeed(pipeline.db, feed.id, 'submitting', {
      submit_started_at: attemptTime(pipeline, now),
      submit_started_amazon_at: amazonTime,
    });
    if (!moved) throw new Error(`feed ${feed.id} changed state before it was submitted`);
    return { attempt: moved };
  }
  const { found, amazonTime: searchedAt } = await findOnAmazon(pipeline, feed, now);
  if (found) {
    pipeline.logger.warn(
      { feedId: feed.id, amazonFeedId: found.feedId },
      'feed found on Amazon after a submission whose outcome was unknown',
    );
    return { adopted: await recordSubmitted(pipeline, feed, found.feedId, found.processingStatus, now) };
  }
  const restarted = await restartSubmission(pipeline.db, feed.id, feed.submitStartedAt, {
    at: attemptTime(pipeline, now),
    amazonAt: searchedAt,
  });
  if (!restarted) throw new Error(`feed ${feed.id} changed state before it was submitted again`);
  pipeline.logger.warn(
    { feedId: feed.id },
    'feed not found on Amazon past the landing horizon; submitting it again',
  );
  return { attempt: restarted };
}

type AttemptResult =
  { kind: 'submitted'; feed: Feed } | { kind: 'refused' } | { kind: 'unknown'; feed: Feed };

async function submit(
  pipeline: FeedPipeline,
  feed: Feed,
  amazonTime: AmazonTimeBeforeAttempt,
  now: Date,
): Promise<AttemptResult> {
  const started = await startAttempt(pipeline, feed, amazonTime, now);
  if ('adopted' in started) return { kind: 'submitted', feed: started.adopted };
  const attempt = started.attempt;
  let amazonFeedId: string;
  try {
    pipeline.signal.throwIfAborted();
    ({ feedId: amazonFeedId } = await pipeline.amazon.createFeed({
      feedType: attempt.feedType,
      marketplaceIds: attempt.marketplaceIds,
      inputFeedDocumentId: attempt.documentId ?? '',
    }));
  } catch (err) {
    switch (classifyCreateFeedFailure(err)) {
      case 'refused':
        pipeline.logger.error({ feedId: feed.id, err }, 'Amazon refused the feed');
        await closeWithoutVerdict(
          pipeline,
          attempt,
          'refused',
          `createFeed refused: ${(err as Error).message}`,
          null,
          now,
        );
        return { kind: 'refused' };
      case 'not-created':
        await moveFeed(pipeline.db, feed.id, 'uploaded', {
          submit_started_at: null,
          submit_started_amazon_at: null,
        });
        throw err;
      case 'unknown':
        pipeline.logger.warn(
          { feedId: feed.id, err },
          'createFeed may have reached Amazon; looked for with getFeeds once the landing horizon has passed',
        );
        return { kind: 'unknown', feed: attempt };
    }
  }
  return { kind: 'submitted', feed: await recordSubmitted(pipeline, attempt, amazonFeedId, 'IN_QUEUE', now) };
}

/**
 * Uploads and submits every open feed of the kind not yet at Amazon, oldest first, one at a time. A
 * feed whose createFeed may still land stops the kind until its horizon: at most one of our feeds of a
 * kind is ever unrecorded at Amazon, which is what lets getFeeds recognise it.
 */
export async function submitOpenFeeds(
  pipeline: FeedPipeline,
  companyId: number,
  kind: FeedKind,
  now: Date,
): Promise<SubmitOutcome> {
  const outcome: SubmitOutcome = { submitted: [], refused: 0, awaitingLanding: null };
  const horizonMs = pipeline.landingHorizonMs;
  for (let feed of await listFeeds(pipeline.db, companyId, {
    kind,
    states: ['prepared', 'uploaded', 'submitting'],
  })) {
    if (mayStillLand(feed, horizonMs, now)) {
      outcome.awaitingLanding = { feedId: feed.id, until: landingHorizonEnd(feed, horizonMs) };
      break;
    }
    let amazonTime: AmazonTimeBeforeAttempt = null;
    if (feed.state === 'prepared') ({ feed, amazonTime } = await uploadDocument(pipeline, feed));
    const result = await submit(pipeline, feed, amazonTime, now);
    if (result.kind === 'submitted') outcome.submitted.push(result.feed);
    else if (result.kind === 'refused') outcome.refused++;
    else {
      outcome.awaitingLanding = { feedId: feed.id, until: landingHorizonEnd(result.feed, horizonMs) };
      break;
    }
  }
  return outcome;
}
