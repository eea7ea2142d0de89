import type { Company } from '../companies/companies.service.js';
import type { FeedPipeline } from '../feeds/feed-pipeline.js';
import { submitOpenFeeds } from '../feeds/feed-submit.js';
import { storeAdjustmentFeeds } from './adjustment-feed.js';
import { adjustmentFeedKind } from './refunds.feed-kind.js';
import { nextRefundDue } from './refunds.repository.js';

export interface RefundUploadOutcome {
  /** Refunds put into new feeds this run. */
  refunds: number;
  /** Feeds submitted this run (new ones and interrupted ones resumed). */
  feeds: number;
  /** Refunds whose message failed Amazon's schema: set aside, never sent. */
  invalid: number;
  /** An earlier createFeed may still land at Amazon: nothing more is sent before this time. */
  awaitingLandingUntil: Date | null;
  /** When the next refund still on hold (or backing off) becomes due. */
  nextDue: Date | null;
}

/**
 * One refund upload: finish any adjustment feed an earlier run left unsubmitted, store the refunds past
 * their hold as new feeds, submit them. Following the feeds is the follow-up job's work. While an earlier
 * createFeed may still land, no new feed is stored or sent.
 */
export async function uploadRefunds(
  pipeline: FeedPipeline,
  company: Company,
  now: Date,
): Promise<RefundUploadOutcome> {
  const kind = adjustmentFeedKind.kind;
  const resumed = await submitOpenFeeds(pipeline, company.id, kind, now);
  const nextDue = async () => nextRefundDue(pipeline.db, company.id, now);
  if (resumed.awaitingLanding) {
    pipeline.logger.warn(
      { feedId: resumed.awaitingLanding.feedId, until: resumed.awaitingLanding.until },
      'a refund feed may still land at Amazon; nothing is sent before its landing horizon',
    );
    return {
      refunds: 0,
      feeds: resumed.submitted.length,
      invalid: 0,
      awaitingLandingUntil: resumed.awaitingLanding.until,
      nextDue: await nextDue(),
    };
  }
  const stored = await storeAdjustmentFeeds(pipeline.db, company, now);
  const submitted =
    stored.feeds.length > 0 ? (await submitOpenFeeds(pipeline, company.id, kind, now)).submitted : [];
  const refunds = stored.feeds.reduce((sum, feed) => sum + feed.messageCount, 0);
  pipeline.logger.info(
    { refunds, feeds: stored.feeds.length, invalid: stored.invalid },
    'refund feeds stored and submitted',
  );
  return {
    refunds,
    feeds: resumed.submitted.length + submitted.length,
    invalid: stored.invalid,
    awaitingLandingUntil: null,
    nextDue: await nextDue(),
  };
}
