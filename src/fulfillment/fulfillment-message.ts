import { element, optionalElement, type XmlFragment } from '../feeds/feed-envelope.js';
import type { Shipment } from './shipments.repository.js';

export const SHIPMENT_ENTITY = 'shipment';

/** One package as an OrderFulfillment message: ids (ours as MerchantFulfillmentID), ship date, carrier, tracking and the items in it; no buyer data. */
export function fulfillmentMessage(shipment: Shipment): XmlFragment {
  const carrier =
    shipment.carrierCode === 'Other'
      ? element('CarrierName', shipment.carrierName)
      : element('CarrierCode', shipment.carrierCode);
  return element(
    'OrderFulfillment',
    element('AmazonOrderID', shipment.amazonOrderId),
    // Our shipment id: the same shipment sent twice is recognisable as one at Amazon.
    element('MerchantFulfillmentID', shipment.id),
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
