import { FeedKinds } from './feeds/feed-kinds.js';
import { followFeedsJob } from './feeds/feeds.jobs.js';
import { fulfillmentFeedKind } from './fulfillment/fulfillment.feed-kind.js';
import { uploadFulfillmentsJob } from './fulfillment/fulfillment.jobs.js';
import type { JobHandlers } from './jobs/handlers.js';
import { downloadOrdersJob, eraseExpiredBuyerDataJob } from './orders/orders.jobs.js';
import { reconcileSettlementsJob } from './settlements/settlements.jobs.js';

/**
 * Where the domains are put together: the only module that imports every domain. Each domain that
 * sends feeds registers its feed kind here; the shared mechanisms (jobs, feeds, amazon) never import one.
 */
export const FEED_KINDS = new FeedKinds([fulfillmentFeedKind]);

export const JOB_HANDLERS: JobHandlers = {
  'order-download': downloadOrdersJob,
  'fulfillment-upload': (context) => uploadFulfillmentsJob(context, FEED_KINDS),
  'settlement-reconciliation': reconcileSettlementsJob,
  'buyer-data-retention': eraseExpiredBuyerDataJob,
  'feed-follow-up': (context) => followFeedsJob(context, FEED_KINDS),
};
