import { isAmazonError } from '../amazon/errors.js';
import type { AmazonOrder } from '../amazon/port.js';
import type { FeedPipeline } from '../feeds/feed-pipeline.js';
import type { Tx } from '../db/client.js';
import { heldQuantities } from '../cancellations/cancellations.repository.js';
import { ordersKnownCurrentUntil } from '../orders/orders.known-current.js';
import { localOrderStates, lockOrderForShipping, type LocalOrderState } from '../orders/orders.shipping.js';
import { unitsLeft } from '../orders/units-left.js';
import { listShipments, moveShipments, quantitiesInFlight, type Shipment } from './shipments.repository.js';

/** Why a shipment must not be uploaded, or null when it may. */
function localReason(order: LocalOrderState | undefined): string | null {
  if (!order) return 'the order is no longer stored';
  if (order.status === 'Canceled') return 'order cancelled before upload';
  if (order.cancelRequested) return 'buyer requested cancellation before upload';
  return null;
}

function amazonReason(order: AmazonOrder): string | null {
  if (order.fulfillment?.fulfillmentStatus === 'CANCELLED') return 'order cancelled on Amazon before upload';
  if (order.orderItems.some((item) => item.cancellation?.cancellationRequest)) {
    return 'buyer requested cancellation on Amazon before upload';
  }
  return null;
}

/**
 * Our copy of the orders is current for a shipment when the committed download window ends, on
 * Amazon's clock, at or after the moment the shipment was recorded (moved to Amazon's clock): a
 * cancellation since then would have reached us. When our copy was written, or when a download run
 * started, says nothing of what Amazon showed at that time.
 */
function isFresh(
  knownCurrent: { amazonTime: Date; clockOffsetMs: number } | null,
  recordedAt: Date,
): boolean {
  if (!knownCurrent) return false;
  return knownCurrent.amazonTime.getTime() >= recordedAt.getTime() + knownCurrent.clockOffsetMs;
}

async function askAmazon(pipeline: FeedPipeline, amazonOrderId: string): Promise<string | null> {
  try {
    return amazonReason(await pipeline.amazon.getOrder(amazonOrderId, ['FULFILLMENT', 'CANCELLATION']));
  } catch (err) {
    if (isAmazonError(err, 'not_found')) return 'Amazon does not know the order';
    throw err;
  }
}

/**
 * Checks each order again right before its shipments go into a feed: locally, and with getOrder for
 * orders our copy may be stale for. Shipments of orders cancelled meanwhile are voided with the reason
 * (Sellercloud's "prevented from shipping"). Returns the ids still to upload and the number voided.
 */
export async function preventCancelledShipments(
  pipeline: FeedPipeline,
  companyId: number,
  shipmentIds: number[],
): Promise<{ uploadable: number[]; prevented: number; amazonChecks: number }> {
  const shipments = await listShipments(pipeline.db, companyId, {
    ids: shipmentIds,
    states: ['pending_upload'],
  });
  const byOrder = new Map<number, Shipment[]>();
  for (const s of shipments) byOrder.set(s.orderId, [...(byOrder.get(s.orderId) ?? []), s]);
  const local = await localOrderStates(pipeline.db, [...byOrder.keys()]);
  const knownCurrent = await ordersKnownCurrentUntil(pipeline.db, companyId);
  const reasons = new Map<number, string>();
  let amazonChecks = 0;
  for (const [orderId, orderShipments] of byOrder) {
    const order = local.get(orderId);
    let reason = localReason(order);
    const recordedAt = new Date(Math.max(...orderShipments.map((s) => s.createdAt.getTime())));
    if (!reason && order && !isFresh(knownCurrent, recordedAt)) {
      amazonChecks++;
      reason = await askAmazon(pipeline, order.amazonOrderId);
    }
    if (reason) for (const s of orderShipments) reasons.set(s.id, reason);
  }
  let prevented = 0;
  for (const [reason, ids] of groupByReason(reasons)) {
    const voided = await moveShipments(pipeline.db, ids, 'voided', { void_reason: reason }, [
      'pending_upload',
    ]);
    prevented += voided.length;
    pipeline.logger.warn({ companyId, shipmentIds: voided, reason }, 'shipments prevented from shipping');
  }
  return {
    uploadable: shipments.filter((s) => !reasons.has(s.id)).map((s) => s.id),
    prevented,
    amazonChecks,
  };
}

function groupByReason(reasons: Map<number, string>): Map<string, number[]> {
  const groups = new Map<string, number[]>();
  for (const [id, reason] of reasons) groups.set(reason, [...(groups.get(reason) ?? []), id]);
  return groups;
}

/**
 * The last local look, in the transaction that puts the (locked) shipments into a feed: an order the
 * download marked cancelled since the check above still never goes out. Returns the shipments to send.
 */
export async function withoutCancelledOrders(tx: Tx, shipments: Shipment[]): Promise<Shipment[]> {
  const local = await localOrderStates(tx, [...new Set(shipments.map((s) => s.orderId))]);
  const reasons = new Map<number, string>();
  for (const s of shipments) {
    const reason = localReason(local.get(s.orderId));
    if (reason) reasons.set(s.id, reason);
  }
  for (const [id, reason] of await shipmentsOfCancelledUnits(
    tx,
    shipments.filter((s) => !reasons.has(s.id)),
  )) {
    reasons.set(id, reason);
  }
  for (const [reason, ids] of groupByReason(reasons)) {
    await moveShipments(tx, ids, 'voided', { void_reason: reason }, ['pending_upload']);
  }
  return shipments.filter((s) => !reasons.has(s.id));
}

/**
 * Shipments that would ship units held by a seller cancellation: when an order's shipments and its
 * units being cancelled together exceed what is left to ship, that order's shipments in this batch
 * do not go out (recording a shipment already refuses this; this is the last look before sending).
 */
async function shipmentsOfCancelledUnits(tx: Tx, shipments: Shipment[]): Promise<Map<number, string>> {
  const reasons = new Map<number, string>();
  const held = await heldQuantities(tx, [...new Set(shipments.map((s) => s.orderId))]);
  if (held.size === 0) return reasons;
  const byOrder = new Map<number, Shipment[]>();
  for (const s of shipments) {
    if (s.items.some((item) => held.has(item.orderItemRowId)))
      byOrder.set(s.orderId, [...(byOrder.get(s.orderId) ?? []), s]);
  }
  for (const [orderId, orderShipments] of byOrder) {
    const order = await lockOrderForShipping(
      tx,
      orderShipments[0]!.companyId,
      orderShipments[0]!.amazonOrderId,
    );
    const inFlight = await quantitiesInFlight(tx, orderId);
    const overbooked = (order?.items ?? []).some((item) => {
      const open = unitsLeft(item);
      return (
        (held.get(item.rowId) ?? 0) > 0 &&
        (held.get(item.rowId) ?? 0) + (inFlight.get(item.rowId) ?? 0) > open
      );
    });
    if (overbooked || !order) {
      for (const s of orderShipments) reasons.set(s.id, 'units being cancelled before upload');
    }
  }
  return reasons;
}
