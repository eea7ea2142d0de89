import type { Company } from '../companies/companies.service.js';
import type { FeedPipeline } from '../feeds/feed-pipeline.js';
import { submitOpenFeeds } from '../feeds/feed-submit.js';
import { zeroPendingInventory } from '../inventory/zero-inventory.js';
import { storeAcknowledgementFeeds } from './acknowledgement-feed.js';
import { acknowledgementFeedKind } from './cancellations.feed-kind.js';

export interface CancellationUploadOutcome {
  /** Cancellations put into new feeds this run. */
  cancellations: number;
  /** Feeds submitted this run (new ones and interrupted ones resumed). */
  feeds: number;
  /** Cancellations whose message failed Amazon's schema: set aside, never sent. */
  invalid: number;
  /** SKUs sent to Amazon to be set to quantity 0. */
  zeroings: number;
  /** An earlier createFeed may still land at Amazon: nothing more is sent before this time. */
  awaitingLandingUntil: Date | null;
}

/**
 * One cancellation upload: finish any acknowledgement feed an earlier run left unsubmitted, store the
 * due cancellations as new feeds, submit them, then zero the inventory recorded with NoInventory
 * cancellations. Following the feeds is the follow-up job's work. While an earlier createFeed may still
 * land, no new feed is stored or sent.
 */
export async function uploadCancellations(
  pipeline: FeedPipeline,
  company: Company,
  now: Date,
): Promise<CancellationUploadOutcome> {
  const kind = acknowledgementFeedKind.kind;
  const resumed = await submitOpenFeeds(pipeline, company.id, kind, now);
  const zeroed = await zeroPendingInventory(pipeline, company, now);
  if (resumed.awaitingLanding) {
    pipeline.logger.warn(
      { feedId: resumed.awaitingLanding.feedId, until: resumed.awaitingLanding.until },
      'a cancellation feed may still land at Amazon; nothing is sent before its landing horizon',
    );
    return {
      cancellations: 0,
      feeds: resumed.submitted.length,
      invalid: 0,
      zeroings: zeroed.sent,
      awaitingLandingUntil: resumed.awaitingLanding.until,
    };
  }
  const stored = await storeAcknowledgementFeeds(pipeline.db, company, now);
  const submitted =
    stored.feeds.length > 0 ? (await submitOpenFeeds(pipeline, company.id, kind, now)).submitted : [];
  const cancellations = stored.feeds.reduce((sum, feed) => sum + feed.messageCount, 0);
  pipeline.logger.info(
    { cancellations, feeds: stored.feeds.length, invalid: stored.invalid, zeroings: zeroed.sent },
    'cancellation feeds stored and submitted',
  );
  return {
    cancellations,
    feeds: resumed.submitted.length + submitted.length,
    invalid: stored.invalid,
    zeroings: zeroed.sent,
    awaitingLandingUntil: null,
  };
}
