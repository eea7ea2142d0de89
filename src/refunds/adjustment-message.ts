import { element, elementWithAttributes, optionalElement, type XmlFragment } from '../feeds/feed-envelope.js';
import { formatMoney, storedMoney } from '../shared/money.js';
import type { Refund } from './refunds.repository.js';

export const REFUND_ENTITY = 'refund';

/**
 * One refund as an OrderAdjustment message (ActionType Refund): an AdjustedItem per order item with our
 * MerchantAdjustmentItemID, the reason, and each component's line total in the order's currency. Quantity
 * only when the operator gave one: Amazon's relation between Quantity and the amounts is not reliable.
 */
export function adjustmentMessage(refund: Refund): XmlFragment {
  return element(
    'OrderAdjustment',
    element('AmazonOrderID', refund.amazonOrderId),
    element('ActionType', 'Refund'),
    ...refund.items.map((item) =>
      element(
        'AdjustedItem',
        element('AmazonOrderItemCode', item.orderItemId),
        element('MerchantAdjustmentItemID', item.merchantAdjustmentItemId),
        element('AdjustmentReason', refund.reason),
        element(
          'ItemPriceAdjustments',
          ...item.components.map((c) =>
            element(
              'Component',
              element('Type', c.component),
              elementWithAttributes(
                'Amount',
                { currency: refund.currency },
                formatMoney(storedMoney(c.amount, refund.currency), refund.currency),
              ),
            ),
          ),
        ),
        optionalElement('Quantity', item.quantity),
      ),
    ),
  );
}
