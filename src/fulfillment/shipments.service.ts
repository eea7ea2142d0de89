import { heldQuantities } from '../cancellations/cancellations.repository.js';
import { describeIssues } from '../companies/companies.schema.js';
import { getCompany } from '../companies/companies.service.js';
import { type Db, type Tx, inTransaction } from '../db/client.js';
import type { OrderCancelledOnAmazon } from '../orders/order-events.js';
import { lockOrderForShipping, type ShippableOrder } from '../orders/orders.shipping.js';
import { unitsLeft } from '../orders/units-left.js';
import { UsageError } from '../shared/errors.js';
import { normalizeTracking, resolveCarrier, trackingProblem } from './carriers.js';
import { checkShipDate, resolveShipDate } from './ship-date.js';
import { getDefaultShipFrom, mergeShipFrom } from './ship-from.js';
import { shipmentInputSchemaIn, type ShipmentInput } from './shipment-input.js';
import {
  insertShipment,
  listShipments,
  moveShipments,
  quantitiesInFlight,
  type Shipment,
  type ShipmentItem,
} from './shipments.repository.js';

function refuseOrder(order: ShippableOrder | null, amazonOrderId: string): asserts order is ShippableOrder {
  const where = `order ${amazonOrderId}`;
  if (!order) throw new UsageError(`${where} is not known: download orders first, or check the id`);
  if (order.fulfillmentChannel === 'AFN')
    throw new UsageError(`${where} is fulfilled by Amazon (FBA): Amazon ships and confirms it`);
  if (order.status === 'Canceled') throw new UsageError(`${where} is cancelled`);
  if (order.cancelRequestedAt || order.items.some((item) => item.cancelRequested)) {
    throw new UsageError(`${where} has a buyer cancellation request on hold: answer it before shipping`);
  }
  if (order.status === 'Pending' || order.status === 'PendingAvailability') {
    throw new UsageError(`${where} is ${order.status}: payment is not confirmed, never ship it yet`);
  }
  if (order.status !== 'Unshipped' && order.status !== 'PartiallyShipped') {
    throw new UsageError(`${where} is ${order.status}: nothing is left to ship`);
  }
}

async function checkQuantities(
  tx: Tx,
  order: ShippableOrder,
  items: ShipmentInput['items'],
): Promise<ShipmentItem[]> {
  const inFlight = await quantitiesInFlight(tx, order.id);
  const beingCancelled = await heldQuantities(tx, [order.id]);
  const seen = new Set<string>();
  return items.map((wanted) => {
    const item = order.items.find((candidate) => candidate.orderItemId === wanted.orderItemId);
    if (!item) throw new UsageError(`order ${order.amazonOrderId} has no item ${wanted.orderItemId}`);
    if (!/^\d{14}$/.test(item.orderItemId)) {
      // Items read from an order report carry a placeholder id until the order's own items are downloaded.
      throw new UsageError(
        `item ${item.orderItemId} of order ${order.amazonOrderId} has no Amazon item code yet: download orders again`,
      );
    }
    if (seen.has(item.orderItemId)) throw new UsageError(`item ${item.orderItemId} is listed twice`);
    seen.add(item.orderItemId);
    const pending = inFlight.get(item.rowId) ?? 0;
    const held = beingCancelled.get(item.rowId) ?? 0;
    const left = unitsLeft(item, { beingCancelled: held, beingShipped: pending });
    if (wanted.quantity > left) {
      throw new UsageError(
        `item ${item.orderItemId}: cannot ship ${wanted.quantity}, only ${Math.max(0, left)} left ` +
          `(ordered ${item.quantityOrdered}, shipped ${item.quantityShipped}, cancelled ${item.quantityCancelled}, ` +
          `being cancelled ${held}, awaiting upload ${pending})`,
      );
    }
    return { orderItemRowId: item.rowId, orderItemId: item.orderItemId, quantity: wanted.quantity };
  });
}

function parseInput(input: unknown, timeZone: string): ShipmentInput {
  const parsed = shipmentInputSchemaIn(timeZone).safeParse(input);
  if (!parsed.success) throw new UsageError(`invalid shipment: ${describeIssues(parsed.error)}`);
  return parsed.data;
}

/**
 * Records one package of a seller-fulfilled order, in Postgres only (state pending_upload); the upload
 * job sends it. Anything Amazon would refuse, or that would ship more than is left, is refused here.
 * `now` is our clock; a ship date of `now` (or none) is Amazon's (`resolveShipDate`).
 */
export async function recordShipment(
  db: Db,
  companyId: number,
  input: unknown,
  now: Date,
): Promise<Shipment> {
  const values = parseInput(input, (await getCompany(db, companyId)).timeZone);
  const carrier = resolveCarrier(values.carrier, values.carrierName);
  if (carrier.code === 'Other' && !carrier.name)
    throw new UsageError('carrier Other needs the carrier name (--carrier-name)');
  const trackingNumber = normalizeTracking(carrier.code, values.trackingNumber);
  const problem = trackingProblem(carrier.code, trackingNumber);
  if (problem) throw new UsageError(`tracking number: ${problem}`);
  const shipFrom = mergeShipFrom(await getDefaultShipFrom(db, companyId), values.shipFrom);
  const { shipDate, judgedAt } = await resolveShipDate(db, companyId, values.shipDate, now);
  return inTransaction(db, async (tx) => {
    const order = await lockOrderForShipping(tx, companyId, values.amazonOrderId);
    refuseOrder(order, values.amazonOrderId);
    checkShipDate(order, shipDate, judgedAt);
    const items = await checkQuantities(tx, order, values.items);
    return insertShipment(tx, {
      companyId,
      orderId: order.id,
      amazonOrderId: order.amazonOrderId,
      marketplaceId: order.marketplaceId ?? '',
      carrierCode: carrier.code,
      carrierName: carrier.name,
      shippingMethod: values.shippingMethod ?? null,
      trackingNumber,
      shipDate,
      shipFrom,
      items,
    });
  });
}

/**
 * Puts rejected shipments back in line for the next upload, after the user fixed what Amazon
 * complained about. The order is checked again as when recording.
 */
export async function requeueShipments(db: Db, companyId: number, ids: number[]): Promise<number[]> {
  return db.transaction().execute(async (tx) => {
    const shipments = await listShipments(tx, companyId, { ids });
    const missing = ids.filter((id) => !shipments.some((s) => s.id === id));
    if (missing.length > 0)
      throw new UsageError(`no shipment ${missing.join(', ')} for company ${companyId}`);
    const notRejected = shipments.filter((s) => s.state !== 'rejected');
    if (notRejected.length > 0) {
      throw new UsageError(
        `only rejected shipments can be re-queued: ${notRejected.map((s) => `${s.id} is ${s.state}`).join(', ')}`,
      );
    }
    for (const shipment of shipments) {
      const order = await lockOrderForShipping(tx, companyId, shipment.amazonOrderId);
      refuseOrder(order, shipment.amazonOrderId);
      await checkQuantities(tx, order, shipment.items);
    }
    return moveShipments(tx, ids, 'pending_upload', {
      result_code: null,
      result_message: null,
      retry_after: null,
      last_error: null,
    });
  });
}

/**
 * Voids the shipments not yet sent (pending_upload) of an order cancelled on Amazon, with the reason, in
 * the transaction that stores the cancellation (registered as the orders' `cancelledOnAmazon` handler).
 */
export async function voidShipmentsOfCancelledOrder(
  tx: Tx,
  { companyId, amazonOrderId, reason }: OrderCancelledOnAmazon,
): Promise<{ shipmentsVoided: number }> {
  const pending = await listShipments(tx, companyId, {
    amazonOrderIds: [amazonOrderId],
    states: ['pending_upload'],
  });
  const voided = await moveShipments(
    tx,
    pending.map((s) => s.id),
    'voided',
    { void_reason: reason },
    ['pending_upload'],
  );
  return { shipmentsVoided: voided.length };
}
