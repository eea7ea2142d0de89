import type { Company } from '../companies/companies.service.js';
import type { FeedPipeline } from '../feeds/feed-pipeline.js';
import { submitOpenFeeds } from '../feeds/feed-submit.js';
import { storeFulfillmentFeeds } from './fulfillment-feed.js';
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
}

/**
 * One upload run: finish any feed an earlier run left unsubmitted, check the due shipments' orders
 * again, store them as fulfillment feeds, submit those. Following the feeds is the follow-up job's work.
 */
export async function uploadFulfillments(
  pipeline: FeedPipeline,
  company: Company,
  now = new Date(),
): Promise<UploadOutcome> {
  const resumed = await submitOpenFeeds(pipeline, company.id, 'order-fulfillment');
  const due = await dueShipmentIds(pipeline.db, company.id, now);
  if (due.length === 0) return { shipments: 0, feeds: resumed.length, prevented: 0, amazonChecks: 0 };
  const { uploadable, prevented, amazonChecks } = await preventCancelledShipments(pipeline, company.id, due);
  const stored = await storeFulfillmentFeeds(pipeline.db, company, uploadable);
  const submitted = await submitOpenFeeds(pipeline, company.id, 'order-fulfillment');
  const shipments = stored.reduce((sum, feed) => sum + feed.messageCount, 0);
  pipeline.logger.info({ shipments, feeds: stored.length, prevented }, 'fulfillment feeds submitted');
  return { shipments, feeds: resumed.length + submitted.length, prevented, amazonChecks };
}
