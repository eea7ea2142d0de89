import type { Company } from '../companies/companies.service.js';
import type { Db } from '../db/client.js';
import { prepareFeeds } from '../feeds/feed-prepare.js';
import type { Feed } from '../feeds/feeds.repository.js';
import { fulfillmentFeedKind } from './fulfillment.feed-kind.js';
import { withoutCancelledOrders } from './order-recheck.js';
import { lockOrdersInOrder } from '../orders/orders.shipping.js';
import { lockDueShipments, moveShipments, ordersOfPendingShipments } from './shipments.repository.js';

/**
 * Stores the feeds for these shipments with their MessageID → shipment maps, and marks the shipments
 * uploading, in one transaction: after it, every shipment is in exactly one open feed. Every value was
 * checked against the schema's limits when the shipment was recorded; the tests validate the generated
 * feeds with the XSD (validating 10,000 messages here would take longer than building them).
 */
export async function storeFulfillmentFeeds(
  db: Db,
  company: Company,
  shipmentIds: number[],
): Promise<Feed[]> {
  return db.transaction().execute(async (tx) => {
    // Order rows first, as recording a shipment or a cancellation does: a cancellation voiding these
    // shipments then either finishes before them or sees them already on their way, never both at once.
    await lockOrdersInOrder(tx, await ordersOfPendingShipments(tx, company.id, shipmentIds));
    const shipments = await withoutCancelledOrders(tx, await lockDueShipments(tx, company.id, shipmentIds));
    if (shipments.length === 0) return [];
    const owner = {
      companyId: company.id,
      merchantIdentifier: company.sellerId,
      marketplaceIds: company.marketplaceIds,
    };
    const prepared = await prepareFeeds(tx, fulfillmentFeedKind, owner, shipments, (s) => s.marketplaceId);
    for (const { feed, entityIds } of prepared) {
      await moveShipments(tx, entityIds, 'uploading', { feed_id: feed.id }, ['pending_upload']);
    }
    return prepared.map(({ feed }) => feed);
  });
}
