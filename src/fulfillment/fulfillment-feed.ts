import type { Company } from '../companies/companies.service.js';
import type { Db } from '../db/client.js';
import {
  element,
  optionalElement,
  packDocuments,
  type FeedDocument,
  type XmlFragment,
} from '../feeds/feed-envelope.js';
import { FEED_KIND_DEFINITIONS } from '../feeds/feed-states.js';
import { insertFeed, type Feed, type Tx } from '../feeds/feeds.repository.js';
import { withoutCancelledOrders } from './order-recheck.js';
import { lockDueShipments, moveShipments, type Shipment } from './shipments.repository.js';

export const SHIPMENT_ENTITY = 'shipment';

/** One package as an OrderFulfillment message: ids, ship date, carrier, tracking and the items in it; no buyer data. */
export function fulfillmentMessage(shipment: Shipment): XmlFragment {
  const carrier =
    shipment.carrierCode === 'Other'
      ? element('CarrierName', shipment.carrierName)
      : element('CarrierCode', shipment.carrierCode);
  return element(
    'OrderFulfillment',
    element('AmazonOrderID', shipment.amazonOrderId),
    element('FulfillmentDate', shipment.shipDate.toISOString()),
    element(
      'FulfillmentData',
      carrier,
      optionalElement('ShippingMethod', shipment.shippingMethod),
      element('ShipperTrackingNumber', shipment.trackingNumber),
    ),
    ...shipment.items.map((item) =>
      element('Item', element('AmazonOrderItemCode', item.orderItemId), element('Quantity', item.quantity)),
    ),
  );
}

/**
 * Builds the documents for these shipments, split only where the feed size limit requires it. Every
 * value was checked against the schema's limits when the shipment was recorded; the tests validate the
 * generated feeds with the XSD (validating 10,000 messages here would take longer than building them).
 */
export function buildFulfillmentDocuments(sellerId: string, shipments: Shipment[]): FeedDocument[] {
  const header = {
    merchantIdentifier: sellerId,
    messageType: FEED_KIND_DEFINITIONS['order-fulfillment'].messageType,
  };
  return packDocuments(
    header,
    shipments.map((shipment) => ({
      entityKind: SHIPMENT_ENTITY,
      entityId: shipment.id,
      body: fulfillmentMessage(shipment),
    })),
  );
}

function marketplacesOf(company: Company, shipments: Shipment[], document: FeedDocument): string[] {
  const byId = new Map(shipments.map((s) => [s.id, s.marketplaceId]));
  const ids = new Set(
    document.messages.map((m) => byId.get(m.entityId)).filter((id): id is string => Boolean(id)),
  );
  return ids.size > 0 ? [...ids].sort() : company.marketplaceIds.slice(0, 1);
}

/**
 * Stores the feeds for these shipments with their MessageID → shipment maps, and marks the shipments
 * uploading, in one transaction: after it, every shipment is in exactly one open feed.
 */
export async function storeFulfillmentFeeds(
  db: Db,
  company: Company,
  shipmentIds: number[],
): Promise<Feed[]> {
  return db.transaction().execute(async (tx: Tx) => {
    const shipments = await withoutCancelledOrders(tx, await lockDueShipments(tx, company.id, shipmentIds));
    if (shipments.length === 0) return [];
    const documents = buildFulfillmentDocuments(company.sellerId, shipments);
    const feeds: Feed[] = [];
    for (const document of documents) {
      const feed = await insertFeed(tx, {
        companyId: company.id,
        kind: 'order-fulfillment',
        marketplaceIds: marketplacesOf(company, shipments, document),
        document,
      });
      await moveShipments(
        tx,
        document.messages.map((m) => m.entityId),
        'uploading',
        { feed_id: feed.id },
        ['pending_upload'],
      );
      feeds.push(feed);
    }
    return feeds;
  });
}
