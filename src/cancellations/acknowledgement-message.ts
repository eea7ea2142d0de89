import { element, optionalElement, type XmlFragment } from '../feeds/feed-envelope.js';
import type { Cancellation } from './cancellations.repository.js';

export const CANCELLATION_ENTITY = 'cancellation';

/** A cancellation as it is sent: with the seller's own order id (Amazon's SELLER_ORDER_ID alias), if known. */
export interface CancellationToSend extends Cancellation {
  sellerOrderId: string | null;
}

/**
 * The seller order id as a MerchantOrderID, when Amazon's schema can carry it (its `String`: a
 * normalizedString of at most 50 characters); otherwise the message names the order by AmazonOrderID alone.
 */
export function merchantOrderId(sellerOrderId: string | null): string | null {
  if (sellerOrderId === null || sellerOrderId.length === 0 || sellerOrderId.length > 50) return null;
  return /[\t\n\r]/.test(sellerOrderId) ? null : sellerOrderId;
}

/**
 * One cancellation as an OrderAcknowledgement message: the order by AmazonOrderID and, when known, the
 * seller's own id as MerchantOrderID; StatusCode Failure and an Item per line with the CancelReason; a
 * partial cancellation gives each line's Quantity, a whole order leaves it out.
 */
export function acknowledgementMessage(cancellation: CancellationToSend): XmlFragment {
  return element(
    'OrderAcknowledgement',
    element('AmazonOrderID', cancellation.amazonOrderId),
    optionalElement('MerchantOrderID', merchantOrderId(cancellation.sellerOrderId)),
    element('StatusCode', 'Failure'),
    ...cancellation.items.map((item) =>
      element(
        'Item',
        element('AmazonOrderItemCode', item.orderItemId),
        element('CancelReason', cancellation.reason),
        optionalElement('Quantity', cancellation.wholeOrder ? null : item.quantity),
      ),
    ),
  );
}
