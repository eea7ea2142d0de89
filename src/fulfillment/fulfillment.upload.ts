import type { Company } from '../companies/companies.service.js';
import type { FeedPipeline } from '../feeds/feed-pipeline.js';
import { submitOpenFeeds } from '../feeds/feed-submit.js';
import { storeFulfillmentFeeds } from './fulfillment-feed.js';
import { fulfillmentFeedKind } from './fulfillment.feed-kind.js';
import { preventCancelledShipments } from './order-recheck.js';
import { dueShipmentIds } from './shipments.repository.js';

export interface UploadOutcome {
  /** Shipments put into new feeds this run. */
  shipments: number;
  /** Feeds submitted this run (new ones and interrupted ones resumed). */
  feeds: number;
  /** Shipments voided because their order was cancelled before upload. */
  prevented: number;
  /** getOrder calls made to check orders our copy may be stale for. */
  amazonChecks: number;
  /** When a createFeed whose outcome is unknown can no longer land; nothing is sent before. */
  awaitingLandingUntil: Date | null;
}

/**
 * One upload run: finish any feed an earlier run left unsubmitted, check the due shipments' orders
 * again, store them as fulfillment feeds, submit those. Following the feeds is the follow-up job's work.
 * While an earlier createFeed may still land, no new feed is stored or sent.
 */
export async function uploadFulfillments(
  pipeline: FeedPipeline,
  company: Company,
  now: Date,
): Promise<UploadOutcome> {
  const kind = fulfillmentFeedKind.kind;
  const resumed = await submitOpenFeeds(pipeline, company.id, kind, now);
  const nothing = { shipments: 0, prevented: 0, amazonChecks: 0 };
  if (resumed.awaitingLanding) {
    pipeline.logger.warn(
      { feedId: resumed.awaitingLanding.feedId, until: resumed.awaitingLanding.until },
      'a fulfillment feed may still land at Amazon; nothing is sent before its landing horizon',
    );
    return {
      ...nothing,
      feeds: resumed.submitted.length,
      awaitingLandingUntil: resumed.awaitingLanding.until,
    };
  }
  const due = await dueShipmentIds(pipeline.db, company.id, now);
  if (due.length === 0) return { ...nothing, feeds: resumed.submitted.length, awaitingLandingUntil: null };
  const { uploadable, prevented, amazonChecks } = await preventCancelledShipments(pipeline, company.id, due);
  const stored = await storeFulfillmentFeeds(pipeline.db, company, uploadable);
  const submitted = await submitOpenFeeds(pipeline, company.id, kind, now);
  const shipments = stored.reduce((sum, feed) => sum + feed.messageCount, 0);
  pipeline.logger.info(
    { shipments, feeds: stored.length, prevented },
    'fulfillment feeds stored and submitted',
  );
  return {
    shipments,
    feeds: resumed.submitted.length + submitted.submitted.length,
    prevented,
    amazonChecks,
    awaitingLandingUntil: submitted.awaitingLanding?.until ?? null,
  };
}
