import type { Company } from '../companies/companies.service.js';
import { getCompany } from '../companies/companies.service.js';
import { clockOf, type AppContext } from '../context.js';
import { addReturn, receiveReturn, refundReturn, type Return } from '../returns/returns.service.js';
import { UsageError } from '../shared/errors.js';
import type { Logger } from '../shared/logger.js';

/**
 * The seller's side of the demo's return: once an order has shipped, the buyer sends one unit back,
 * the seller receives it and refunds it less a restocking fee; the demo then tells when Amazon accepted
 * the refund and the return closed.
 */

export const DEMO_RESTOCKING_FEE = '1.00';

export interface DemoReturn {
  rma: Return | null;
  closed: boolean;
}

async function shippedLine(app: AppContext, companyId: number) {
  return app.db
    .selectFrom('orders')
    .innerJoin('order_items', 'order_items.order_id', 'orders.id')
    .select(['orders.amazon_order_id', 'order_items.order_item_id'])
    .where('orders.company_id', '=', companyId)
    .where('orders.status', '=', 'Shipped')
    .where('orders.fulfillment_channel', '=', 'MFN')
    .where('order_items.quantity_shipped', '>', 0)
    .orderBy('orders.id')
    .executeTakeFirst();
}

async function startReturn(app: AppContext, company: Company, logger: Logger): Promise<Return | null> {
  const line = await shippedLine(app, company.id);
  if (!line) return null;
  const current = await getCompany(app.db, company.id);
  const now = clockOf(app);
  try {
    const authorized = await addReturn(
      app.db,
      current,
      {
        amazonOrderId: line.amazon_order_id,
        items: [{ orderItemId: line.order_item_id, quantity: 1 }],
        reason: 'arrived chipped',
        condition: 'damaged',
      },
      now(),
    );
    logger.info(
      { rma: authorized.rmaId, amazonOrderId: line.amazon_order_id },
      'demo: seller authorized a return of a shipped order',
    );
    await receiveReturn(app.db, authorized.id, now());
    const { refund } = await refundReturn(
      app.db,
      current,
      authorized.id,
      { restockingFee: DEMO_RESTOCKING_FEE },
      app.config.refunds,
      now(),
    );
    logger.info(
      {
        rma: authorized.rmaId,
        refundId: refund.refund.id,
        restockingFee: DEMO_RESTOCKING_FEE,
        components: refund.refund.items.flatMap((item) =>
          item.components.map((c) => `${c.component}=${c.amount}`),
        ),
      },
      'demo: seller received the return and refunded it less a restocking fee; the refund upload sends it',
    );
    return authorized;
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    logger.info({ reason: err.message }, 'demo: return not refunded yet');
    return null;
  }
}

/** One step of the demo's return; `done` says what already happened. */
export async function playReturn(
  app: AppContext,
  company: Company,
  done: DemoReturn,
  logger: Logger,
): Promise<void> {
  if (done.closed) return;
  if (!done.rma) {
    done.rma = await startReturn(app, company, logger);
    return;
  }
  const row = await app.db
    .selectFrom('returns')
    .select(['state', 'refund_id'])
    .where('id', '=', done.rma.id)
    .executeTakeFirst();
  if (row?.state !== 'closed') return;
  done.closed = true;
  logger.info(
    { rma: done.rma.rmaId, refundId: row.refund_id, amazonOrderId: done.rma.amazonOrderId },
    'demo: Amazon accepted the refund of the return; the return is closed',
  );
}
