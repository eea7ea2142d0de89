import { fulfillmentFeedApplier } from '../fulfillment/fulfillment.applier.js';
import type { FeedAppliers } from './feed-pipeline.js';

/** Every feed kind's applier; a kind is added here when its domain sends feeds. */
export const FEED_APPLIERS: FeedAppliers = {
  'order-fulfillment': fulfillmentFeedApplier,
};
