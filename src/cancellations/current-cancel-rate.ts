import type { Db } from '../db/client.js';
import { countSellerFulfilledOrders, ordersPurchasedBetween } from '../orders/orders.cancelling.js';
import { CANCEL_RATE_WINDOW_MS, projectCancelRate, type CancelRate } from './cancel-rate.js';
import { ordersWithCountingCancellations } from './cancellations.repository.js';

/**
 * The company's pre-fulfilment cancel rate over Amazon's 7 days ending at `now`, as it stood then
 * (nothing projected): a past `now` counts only the cancellations requested by then.
 */
export async function currentCancelRate(db: Db, companyId: number, now: Date): Promise<CancelRate> {
  const since = new Date(now.getTime() - CANCEL_RATE_WINDOW_MS);
  const until = new Date(now.getTime() + 1);
  const cancelled = await ordersWithCountingCancellations(db, companyId, since, until);
  const inWindow = await ordersPurchasedBetween(db, cancelled, since, until);
  return projectCancelRate({
    ordersInWindow: await countSellerFulfilledOrders(db, companyId, since, until),
    cancelledOrders: cancelled.filter((id) => inWindow.has(id)).length,
    addsOrder: false,
    orderInWindow: false,
  });
}
