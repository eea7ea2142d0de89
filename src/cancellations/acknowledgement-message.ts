import { element, optionalElement, type XmlFragment } from '../feeds/feed-envelope.js';
import type { Cancellation } from './cancellations.repository.js';

export const CANCELLATION_ENTITY = 'cancellation';

/**
 * One cancellation as an OrderAcknowledgement message: StatusCode Failure and an Item per line with the
 * CancelReason; a partial cancellation gives each line's Quantity, a whole order leaves it out.
 */
export function acknowledgementMessage(cancellation: Cancellation): XmlFragment {
  return element(
    'OrderAcknowledgement',
    element('AmazonOrderID', cancellation.amazonOrderId),
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
