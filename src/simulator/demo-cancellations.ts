import { fulfillmentShipmentGuard } from '../fulfillment/cancellation-guard.js';
import { requestCancellation } from '../cancellations/cancellations.service.js';
import type { Company } from '../companies/companies.service.js';
import type { AppContext } from '../context.js';
import { getCompany } from '../companies/companies.service.js';
import { listOpenCancelRequests } from '../orders/orders.cancelling.js';
import { UsageError } from '../shared/errors.js';
import type { Logger } from '../shared/logger.js';
import type { Simulation } from './simulation.js';
import { clockOf } from '../context.js';

/**
 * The seller's side of the demo's cancellations: it accepts the buyer's cancellation request it sees
 * first, and cancels the order of a SKU it has run out of (NoInventory), which sets the SKU to 0 on
 * Amazon (the demo company zeroes inventory on a no-stock cancel).
 */

/** The demo's out-of-stock SKU: its order is cancelled, never shipped. */
export const OUT_OF_STOCK_SKU = 'BOARD-CUTTING-OAK';

export interface DemoCancellations {
  buyerRequestAnswered: boolean;
  noStockCancelled: boolean;
}

async function storedOrderWithSku(app: AppContext, companyId: number, sku: string) {
  return app.db
    .selectFrom('orders')
    .innerJoin('order_items', 'order_items.order_id', 'orders.id')
    .select('orders.amazon_order_id')
    .where('orders.company_id', '=', companyId)
    .where('orders.status', '=', 'Unshipped')
    .where('order_items.sku', '=', sku)
    .executeTakeFirst();
}

/** The cancellation, or null when it is refused for now (the order still Pending): tried again next time. */
async function cancelAs(app: AppContext, company: Company, input: Record<string, unknown>, logger: Logger) {
  try {
    return await requestCancellation(
      app.db,
      fulfillmentShipmentGuard,
      await getCompany(app.db, company.id),
      input,
      clockOf(app)(),
    );
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    logger.info({ reason: err.message }, 'demo: cancellation not requested yet');
    return null;
  }
}

/** One step of the seller's cancellations; `done` says what already happened. */
export async function playCancellations(
  app: AppContext,
  company: Company,
  done: DemoCancellations,
  logger: Logger,
): Promise<void> {
  if (!done.buyerRequestAnswered) {
    const [request] = await listOpenCancelRequests(app.db, company.id);
    if (request) {
      const accepted = await cancelAs(
        app,
        company,
        { amazonOrderId: request.amazonOrderId, reason: 'BuyerCanceled' },
        logger,
      );
      done.buyerRequestAnswered = accepted !== null;
      if (accepted)
        logger.info(
          { amazonOrderId: request.amazonOrderId, buyerReason: request.buyerReason },
          'demo: seller accepted the buyer’s cancellation request (BuyerCanceled); the cancellation upload sends it',
        );
    }
  }
  if (!done.noStockCancelled) {
    const order = await storedOrderWithSku(app, company.id, OUT_OF_STOCK_SKU);
    if (order) {
      const requested = await cancelAs(
        app,
        company,
        { amazonOrderId: order.amazon_order_id, reason: 'NoInventory', zeroInventory: true },
        logger,
      );
      done.noStockCancelled = requested !== null;
      if (requested)
        logger.info(
          {
            amazonOrderId: order.amazon_order_id,
            sku: OUT_OF_STOCK_SKU,
            zeroings: requested.zeroings,
          },
          'demo: seller cancelled an order it has no stock for (NoInventory); its SKU goes to 0 on Amazon',
        );
    }
  }
}

/** Amazon's listings that changed since the last look, narrated. */
export function narrateListings(sim: Simulation, seen: Map<string, number | null>, logger: Logger): void {
  for (const listing of sim.store.listings.values()) {
    if (seen.has(listing.sku) && seen.get(listing.sku) === listing.quantity) continue;
    seen.set(listing.sku, listing.quantity);
    logger.info({ sku: listing.sku, quantity: listing.quantity }, 'amazon: listing quantity set');
  }
}
