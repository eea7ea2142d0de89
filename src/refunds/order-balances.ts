import type { Db, Tx } from '../db/client.js';
import type { RefundableOrder } from '../orders/orders.refunding.js';
import { amazonRefunds } from './amazon-refunds.js';
import { reportedAmazonRefunds } from './reported-amazon-refunds.js';
import { chargedLines, countedRefunds, currencyOf } from './order-charges.js';
import { orderBalance, type OrderBalance } from './refundable.js';
import { countedRefundLinesOf } from './refunds.repository.js';

export interface OrderWithBalance {
  order: RefundableOrder;
  currency: string;
  balance: OrderBalance;
}

/**
 * What each order was charged and what of it is given back or on its way: our refunds that count
 * (accepted or in flight), the refunds the settlements show that are not ours, and Amazon's own the
 * Finances API reported before any settlement carried them. Under the caller's
 * transaction, which locks the orders when it is about to write.
 */
export async function balancesOf(
  db: Db | Tx,
  companyId: number,
  orders: RefundableOrder[],
): Promise<OrderWithBalance[]> {
  // An order Amazon has not priced yet has no currency and nothing charged; any will do.
  const priced = orders.map((order) => ({ order, currency: currencyOf(order) ?? 'USD' }));
  const ours = await countedRefundLinesOf(
    db,
    orders.map((order) => order.id),
  );
  const amazons = await amazonRefunds(
    db,
    companyId,
    priced.map(({ order, currency }) => ({
      amazonOrderId: order.amazonOrderId,
      marketplaceId: order.marketplaceId,
      currency,
    })),
  );
  const reported = await reportedAmazonRefunds(db, companyId, priced);
  return priced.map(({ order, currency }) => ({
    order,
    currency,
    balance: orderBalance(chargedLines(order, currency), [
      ...countedRefunds(
        ours.filter((line) => line.orderId === order.id),
        currency,
      ),
      ...amazons.filter((refund) => refund.amazonOrderId === order.amazonOrderId),
      ...reported.filter((refund) => refund.amazonOrderId === order.amazonOrderId),
    ]),
  }));
}

/** One order's balance (see `balancesOf`). */
export async function orderBalanceOf(
  db: Db | Tx,
  companyId: number,
  order: RefundableOrder,
): Promise<OrderBalance> {
  const [found] = await balancesOf(db, companyId, [order]);
  return found!.balance;
}
