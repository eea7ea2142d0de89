import { getCompany } from '../companies/companies.service.js';
import { fulfillmentShipmentGuard } from '../fulfillment/cancellation-guard.js';
import type { FulfillmentWorld } from '../fulfillment/fulfillment.test-support.js';
import { listCancellations } from './cancellations.repository.js';
import { requestCancellation, type CancellationRequested } from './cancellations.service.js';

/** Requests a cancellation the way the CLI does, with the company as stored now, at our clock unless given. */
export async function cancel(
  world: FulfillmentWorld,
  input: Record<string, unknown>,
  now = world.now(),
): Promise<CancellationRequested> {
  const company = await getCompany(world.context.db, world.company.id);
  return requestCancellation(world.context.db, fulfillmentShipmentGuard, company, input, now);
}

export async function cancellationsOf(world: FulfillmentWorld, amazonOrderId: string) {
  return (await listCancellations(world.context.db, world.company.id)).filter(
    (c) => c.amazonOrderId === amazonOrderId,
  );
}

export async function storedOrder(world: FulfillmentWorld, amazonOrderId: string) {
  const order = await world.context.db
    .selectFrom('orders')
    .select(['id', 'status'])
    .where('company_id', '=', world.company.id)
    .where('amazon_order_id', '=', amazonOrderId)
    .executeTakeFirstOrThrow();
  const items = await world.context.db
    .selectFrom('order_items')
    .select(['order_item_id', 'quantity_ordered', 'quantity_shipped', 'quantity_cancelled'])
    .where('order_id', '=', order.id)
    .orderBy('id')
    .execute();
  return { status: order.status, items };
}

export interface SimItemView {
  orderItemId: string;
  quantityOrdered: number;
  cancellation?: { cancellationExecution?: { cancelledBy?: string; cancelReason?: string } };
  fulfillment?: { quantityFulfilled?: number; quantityUnfulfilled?: number };
}

/** A feed as the simulator's control API shows it. */
export interface SimFeedView {
  feedId: string;
  feedType: string;
  content: string;
  processingStatus: string;
  validationErrors: string[];
  resultFeedDocumentId?: string;
}

/** The feeds the simulator received, of one feed type. */
export async function simFeeds(world: FulfillmentWorld, feedType: string): Promise<SimFeedView[]> {
  const { feeds } = await world.control<{ feeds: SimFeedView[] }>('GET', '/feeds');
  return feeds.filter((f) => f.feedType === feedType);
}
