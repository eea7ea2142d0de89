import type { Company } from '../companies/companies.service.js';
import { describeIssues } from '../companies/companies.schema.js';
import { type Db, type Tx, inTransaction } from '../db/client.js';
import { recordZeroings } from '../inventory/zeroings.repository.js';
import { BuyerCancellationDecisionError, decideBuyerCancellation } from '../orders/buyer-cancellation.js';
import { countSellerFulfilledOrders, ordersPurchasedBetween } from '../orders/orders.cancelling.js';
import { lockOrderForShipping, type ShippableItem, type ShippableOrder } from '../orders/orders.shipping.js';
import { unitsLeft } from '../orders/units-left.js';
import { UsageError } from '../shared/errors.js';
import {
  CANCEL_RATE_WINDOW_MS,
  countsAgainstCancelRate,
  projectCancelRate,
  type CancelRate,
} from './cancel-rate.js';
import { cancellationInputSchema, type CancellationInput } from './cancellation-input.js';
import {
  heldQuantities,
  insertCancellation,
  ordersWithCountingCancellations,
  type Cancellation,
  type CancellationItem,
} from './cancellations.repository.js';
import type { ShipmentGuard } from './shipment-guard.js';
import { refuseOrder } from './cancellation-refusals.js';

export interface CancellationRequested {
  cancellation: Cancellation;
  cancelRate: CancelRate;
  /** Shipments of the cancelled units that were waiting for upload and will never be sent. */
  voidedShipments: number;
  /** SKUs recorded to be set to quantity 0 on Amazon. */
  zeroings: number;
  warnings: string[];
}

interface Availability {
  left: number;
  held: number;
  inUpload: number;
}

function refuseNothingLeft(order: ShippableOrder, item: ShippableItem, a: Availability): never {
  const where = `item ${item.orderItemId} of order ${order.amazonOrderId}`;
  if (a.held > 0)
    throw new UsageError(`${where}: its ${a.held} remaining unit(s) are already being cancelled`);
  if (a.inUpload > 0) {
    throw new UsageError(
      `${where}: its remaining unit(s) are in a shipment being confirmed to Amazon; ` +
        'wait for Amazon’s answer, then refund or return them instead',
    );
  }
  if (item.quantityShipped > 0)
    throw new UsageError(`${where} was ship-confirmed; refund or return it instead`);
  throw new UsageError(`${where} is already cancelled`);
}

function availability(
  item: ShippableItem,
  held: Map<number, number>,
  inUpload: Map<number, number>,
): Availability {
  const h = held.get(item.rowId) ?? 0;
  const u = inUpload.get(item.rowId) ?? 0;
  const left = unitsLeft(item, { beingCancelled: h, beingShipped: u });
  return { left: Math.max(0, left), held: h, inUpload: u };
}

function checkItemCode(order: ShippableOrder, item: ShippableItem): void {
  if (!/^\d{14}$/.test(item.orderItemId)) {
    // Items read from an order report carry a placeholder id until the order's own items are downloaded.
    throw new UsageError(
      `item ${item.orderItemId} of order ${order.amazonOrderId} has no Amazon item code yet: download orders again`,
    );
  }
}

/** The units to cancel: those asked for, or everything left of the order. */
function cancelledLines(
  order: ShippableOrder,
  asked: CancellationInput['items'],
  held: Map<number, number>,
  inUpload: Map<number, number>,
): { items: CancellationItem[]; wholeOrder: boolean } {
  if (!asked || asked.length === 0) {
    const open = order.items.filter((item) => availability(item, held, inUpload).left > 0);
    if (open.length === 0) {
      const first = order.items[0];
      if (!first) throw new UsageError(`order ${order.amazonOrderId} has no items`);
      refuseNothingLeft(order, first, availability(first, held, inUpload));
    }
    open.forEach((item) => checkItemCode(order, item));
    const items = open.map((item) => ({
      orderItemRowId: item.rowId,
      orderItemId: item.orderItemId,
      sku: item.sku,
      quantity: availability(item, held, inUpload).left,
      cancelledBefore: item.quantityCancelled,
    }));
    // Nothing of the order shipped, cancelled or held: the message names the items without quantities.
    const pristine = order.items.every(
      (item) =>
        item.quantityShipped === 0 &&
        item.quantityCancelled === 0 &&
        !held.has(item.rowId) &&
        !inUpload.has(item.rowId),
    );
    return { items, wholeOrder: pristine };
  }
  const seen = new Set<string>();
  const items = asked.map((wanted) => {
    const item = order.items.find((candidate) => candidate.orderItemId === wanted.orderItemId);
    if (!item) throw new UsageError(`order ${order.amazonOrderId} has no item ${wanted.orderItemId}`);
    checkItemCode(order, item);
    if (seen.has(item.orderItemId)) throw new UsageError(`item ${item.orderItemId} is listed twice`);
    seen.add(item.orderItemId);
    const a = availability(item, held, inUpload);
    if (a.left === 0) refuseNothingLeft(order, item, a);
    const quantity = wanted.quantity ?? a.left;
    if (quantity > a.left) {
      throw new UsageError(
        `item ${item.orderItemId}: cannot cancel ${quantity}, only ${a.left} left ` +
          `(ordered ${item.quantityOrdered}, shipped ${item.quantityShipped}, cancelled ${item.quantityCancelled}, ` +
          `being cancelled ${a.held}, in a shipment being confirmed ${a.inUpload})`,
      );
    }
    return {
      orderItemRowId: item.rowId,
      orderItemId: item.orderItemId,
      sku: item.sku,
      quantity,
      cancelledBefore: item.quantityCancelled,
    };
  });
  return { items, wholeOrder: false };
}

/**
 * Items whose waiting shipments no longer fit beside the units being cancelled: those shipments are
 * voided (the seller records again what is still to ship).
 */
function overbookedItems(
  order: ShippableOrder,
  cancelled: CancellationItem[],
  units: { held: Map<number, number>; pending: Map<number, number>; inUpload: Map<number, number> },
): number[] {
  return cancelled
    .filter((line) => {
      const item = order.items.find((candidate) => candidate.rowId === line.orderItemRowId);
      const pending = units.pending.get(line.orderItemRowId) ?? 0;
      if (!item || pending === 0) return false;
      const open = unitsLeft(item);
      const taken =
        (units.held.get(line.orderItemRowId) ?? 0) +
        line.quantity +
        (units.inUpload.get(line.orderItemRowId) ?? 0);
      return pending + taken > open;
    })
    .map((line) => line.orderItemRowId);
}

function buyerRequested(order: ShippableOrder): boolean {
  return order.cancelRequestedAt !== null || order.items.some((item) => item.cancelRequested);
}

async function projectedRate(
  tx: Tx,
  companyId: number,
  order: ShippableOrder,
  counts: boolean,
  now: Date,
): Promise<CancelRate> {
  const since = new Date(now.getTime() - CANCEL_RATE_WINDOW_MS);
  const until = new Date(now.getTime() + 1);
  const cancelled = await ordersWithCountingCancellations(tx, companyId, since, until);
  const inWindow = await ordersPurchasedBetween(tx, [...cancelled, order.id], since, until);
  return projectCancelRate({
    ordersInWindow: await countSellerFulfilledOrders(tx, companyId, since, until),
    cancelledOrders: cancelled.filter((id) => inWindow.has(id)).length,
    addsOrder: counts && !cancelled.includes(order.id),
    orderInWindow: inWindow.has(order.id),
  });
}

function parseInput(input: unknown): CancellationInput {
  const parsed = cancellationInputSchema.safeParse(input);
  if (!parsed.success) throw new UsageError(`invalid cancellation: ${describeIssues(parsed.error)}`);
  return parsed.data;
}

/**
 * Records a seller cancellation, in Postgres only (state requested); the cancellation upload sends it.
 * From this transaction on, its units cannot be shipped: the order row is locked as for a shipment, the
 * shipments of those items not yet sent are voided, and new ones count the held units. Anything Amazon
 * would refuse, or that would misstate the reason, is refused here with what to do instead.
 */
export async function requestCancellation(
  db: Db,
  guard: ShipmentGuard,
  company: Company,
  input: unknown,
  now: Date,
): Promise<CancellationRequested> {
  const values = parseInput(input);
  return inTransaction(db, async (tx) => {
    const order = await lockOrderForShipping(tx, company.id, values.amazonOrderId);
    refuseOrder(order, values.amazonOrderId);
    const requested = buyerRequested(order);
    const warnings: string[] = [];
    if (values.reason === 'BuyerCanceled' && !requested) {
      if (!values.force) {
        throw new UsageError(
          `the buyer has not requested cancellation of order ${order.amazonOrderId}: BuyerCanceled is only ` +
            'for orders whose buyer asked Amazon to cancel. Give the reason that applies, or add --force ' +
            'to send BuyerCanceled anyway (it then counts against your cancel rate)',
        );
      }
      warnings.push(
        'BuyerCanceled without a buyer request: this cancellation counts against your cancel rate',
      );
    }
    const held = await heldQuantities(tx, [order.id]);
    const { pending, inUpload } = await guard.unitsInShipments(tx, order.id);
    const { items, wholeOrder } = cancelledLines(order, values.items, held, inUpload);
    const counts = countsAgainstCancelRate(values.reason, requested);
    const cancelRate = await projectedRate(tx, company.id, order, counts, now);
    if (counts && cancelRate.aboveThreshold)
      warnings.push('the projected cancel rate is above Amazon’s 2.5 % target');
    const zeroInventory =
      values.reason === 'NoInventory' && (values.zeroInventory || company.zeroInventoryOnNoStockCancel);
    const cancellation = await insertCancellation(tx, {
      companyId: company.id,
      orderId: order.id,
      amazonOrderId: order.amazonOrderId,
      marketplaceId: order.marketplaceId ?? company.marketplaceIds[0] ?? '',
      reason: values.reason,
      wholeOrder,
      buyerRequested: requested,
      forced: values.reason === 'BuyerCanceled' && !requested,
      zeroInventory,
      items,
      requestedAt: now,
    });
    const voidedShipments = await guard.voidPendingShipments(
      tx,
      order.id,
      overbookedItems(order, items, { held, pending, inUpload }),
      `units cancelled (cancellation ${cancellation.id}, ${values.reason})`,
    );
    const skus = [...new Set(items.map((item) => item.sku).filter((sku): sku is string => Boolean(sku)))];
    const zeroings = zeroInventory
      ? await recordZeroings(
          tx,
          skus.map((sku) => ({
            companyId: company.id,
            cancellationId: cancellation.id,
            amazonOrderId: order.amazonOrderId,
            sku,
            marketplaceId: cancellation.marketplaceId,
          })),
        )
      : 0;
    // Cancelling with BuyerCanceled is the seller's acceptance of the buyer's request.
    if (values.reason === 'BuyerCanceled' && requested)
      await decideBuyerCancellation(tx, company.id, order.amazonOrderId, 'accepted', now);
    return { cancellation, cancelRate, voidedShipments, zeroings, warnings };
  });
}

/**
 * The seller keeps the order the buyer asked to cancel: the hold is released (through the orders'
 * hold transitions) and the order ships normally.
 */
export async function declineCancelRequest(
  db: Db,
  companyId: number,
  amazonOrderId: string,
  now: Date,
): Promise<{ amazonOrderId: string; state: string; onHold: boolean }> {
  try {
    const outcome = await decideBuyerCancellation(db, companyId, amazonOrderId, 'declined', now);
    return { amazonOrderId, state: outcome.state, onHold: outcome.onHold };
  } catch (err) {
    if (err instanceof BuyerCancellationDecisionError) {
      throw new UsageError(
        `cannot decline the cancellation request of order ${amazonOrderId}: ${err.message}`,
      );
    }
    throw err;
  }
}
