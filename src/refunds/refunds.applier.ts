import { entityFeedApplier } from '../feeds/feed-entities.js';
import { REFUND_ENTITY } from './adjustment-message.js';

/** What a payment-adjustment feed's outcome does to refunds: accepted, or rejected with Amazon's message. */
export const adjustmentFeedApplier = entityFeedApplier(REFUND_ENTITY, 'refunds');
