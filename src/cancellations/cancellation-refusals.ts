import type { ShippableOrder } from '../orders/orders.shipping.js';
import { UsageError } from '../shared/errors.js';

/** Refuses an order a seller cannot cancel, saying what to do instead. */
export function refuseOrder(
  order: ShippableOrder | null,
  amazonOrderId: string,
): asserts order is ShippableOrder {
  const where = `order ${amazonOrderId}`;
  if (!order) throw new UsageError(`${where} is not known: download orders first, or check the id`);
  if (order.fulfillmentChannel === 'AFN')
    throw new UsageError(`${where} is fulfilled by Amazon (FBA): Amazon cancels FBA orders, not the seller`);
  if (order.status === 'Pending' || order.status === 'PendingAvailability') {
    throw new UsageError(
      `${where} is ${order.status}: a seller cannot cancel before Amazon has cleared the payment; ` +
        'wait until it is Unshipped (or let Amazon cancel it)',
    );
  }
  if (order.status === 'Canceled') throw new UsageError(`${where} is already cancelled`);
  if (order.status !== 'Unshipped' && order.status !== 'PartiallyShipped') {
    throw new UsageError(`${where} is ${order.status}: it was ship-confirmed; refund or return it instead`);
  }
}
