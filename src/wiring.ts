import { acknowledgementFeedKind } from './cancellations/cancellations.feed-kind.js';
import { uploadCancellationsJob, type CancellationUploadCounts } from './cancellations/cancellations.jobs.js';
import { FeedKinds } from './feeds/feed-kinds.js';
import { listingsZeroingFeedKind } from './inventory/listings-feed.js';
import { followFeedsJob, type FeedFollowUpCounts } from './feeds/feeds.jobs.js';
import { fulfillmentFeedKind } from './fulfillment/fulfillment.feed-kind.js';
import { uploadFulfillmentsJob, type FulfillmentUploadCounts } from './fulfillment/fulfillment.jobs.js';
import { voidShipmentsOfCancelledOrder } from './fulfillment/shipments.service.js';
import type { JobHandlers } from './jobs/handlers.js';
import type { OrderDownloadCounts } from './orders/download-context.js';
import type { OrderEventHandlers } from './orders/order-events.js';
import {
  downloadOrdersJob,
  eraseExpiredBuyerDataJob,
  type BuyerDataRetentionCounts,
} from './orders/orders.jobs.js';
import { refreshStoredPaymentStatus } from './refunds/payment-status.refresh.js';
import { adjustmentFeedKindWith } from './refunds/refunds.feed-kind.js';
import { followDecidedRefunds } from './returns/returns.service.js';
import { uploadRefundsJob, type RefundUploadCounts } from './refunds/refunds.jobs.js';
import {
  reconcileSettlementsJob,
  type SettlementReconciliationCounts,
} from './settlements/settlements.jobs.js';

/**
 * Where the domains are put together: the only module that imports every domain. Each domain that
 * sends feeds registers its feed kind here; the shared mechanisms (jobs, feeds, amazon) never import one.
 */
export const FEED_KINDS = new FeedKinds([
  fulfillmentFeedKind,
  acknowledgementFeedKind,
  adjustmentFeedKindWith({ refundsDecided: followDecidedRefunds }),
  listingsZeroingFeedKind,
]);

/** What follows an order's change in other domains, in the transaction that stores the change. */
export const ORDER_EVENTS: OrderEventHandlers = {
  cancelledOnAmazon: voidShipmentsOfCancelledOrder,
  chargesChanged: (tx, event) => refreshStoredPaymentStatus(tx, event.companyId, event.amazonOrderIds),
};

/** What each kind of run counts. */
export interface RunCountsByKind {
  'order-download': OrderDownloadCounts;
  'fulfillment-upload': FulfillmentUploadCounts;
  'buyer-data-retention': BuyerDataRetentionCounts;
  'feed-follow-up': FeedFollowUpCounts;
  'cancellation-upload': CancellationUploadCounts;
  'refund-upload': RefundUploadCounts;
  'settlement-reconciliation': SettlementReconciliationCounts;
}

export const JOB_HANDLERS: JobHandlers<RunCountsByKind> = {
  'order-download': (context) => downloadOrdersJob(context, ORDER_EVENTS),
  'fulfillment-upload': (context) => uploadFulfillmentsJob(context, FEED_KINDS),
  'buyer-data-retention': eraseExpiredBuyerDataJob,
  'feed-follow-up': (context) => followFeedsJob(context, FEED_KINDS),
  'cancellation-upload': (context) => uploadCancellationsJob(context, FEED_KINDS),
  'refund-upload': (context) => uploadRefundsJob(context, FEED_KINDS),
  'settlement-reconciliation': (context) => reconcileSettlementsJob(context, ORDER_EVENTS),
};
