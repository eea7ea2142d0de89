import type { Company } from '../companies/companies.service.js';
import type { FeedPipeline } from '../feeds/feed-pipeline.js';
import { submitOpenFeeds } from '../feeds/feed-submit.js';
import { zeroPendingInventory } from '../inventory/zero-inventory.js';
import { storeAcknowledgementFeeds } from './acknowledgement-feed.js';

export interface CancellationUploadOutcome {
  /** Cancellations put into new feeds this run. */
  cancellations: number;
  /** Feeds submitted this run (new ones and interrupted ones resumed). */
  feeds: number;
  /** Cancellations whose message failed Amazon's schema: set aside, never sent. */
  invalid: number;
  /** SKUs sent to Amazon to be set to quantity 0. */
  zeroings: number;
}

/**
 * One cancellation upload: finish any acknowledgement feed an earlier run left unsubmitted, store the
 * due cancellations as new feeds, submit them, then zero the inventory recorded with NoInventory
 * cancellations. Following the feeds is the follow-up job's work.
 */
export async function uploadCancellations(
  pipeline: FeedPipeline,
  company: Company,
  now = new Date(),
): Promise<CancellationUploadOutcome> {
  const resumed = await submitOpenFeeds(pipeline, company.id, 'order-acknowledgement');
  const stored = await storeAcknowledgementFeeds(pipeline.db, company, now);
  const submitted =
    stored.feeds.length > 0 ? await submitOpenFeeds(pipeline, company.id, 'order-acknowledgement') : [];
  const cancellations = stored.feeds.reduce((sum, feed) => sum + feed.messageCount, 0);
  const zeroed = await zeroPendingInventory(pipeline.db, pipeline.amazon, company, pipeline.logger);
  pipeline.logger.info(
    { cancellations, feeds: stored.feeds.length, invalid: stored.invalid, zeroings: zeroed.sent },
    'cancellation feeds submitted',
  );
  return {
    cancellations,
    feeds: resumed.length + submitted.length,
    invalid: stored.invalid,
    zeroings: zeroed.sent,
  };
}
