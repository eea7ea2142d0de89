import type { Db, Tx } from '../db/client.js';
import { reopenBuyerCancellation } from '../orders/buyer-cancellation.js';
import { lockOrderForShipping, type ShippableOrder } from '../orders/orders.shipping.js';
import { unitsLeft } from '../orders/units-left.js';
import { UsageError } from '../shared/errors.js';
import {
  heldQuantities,
  listCancellations,
  lockCancellation,
  moveCancellations,
  type Cancellation,
} from './cancellations.repository.js';
import { refuseOrder } from './cancellation-refusals.js';
import type { ShipmentGuard } from './shipment-guard.js';

/**
 * What the operator does with a cancellation Amazon rejected: send it again (requeue), or give it up
 * (release: its units are shippable again). Both lock the order row first, then the cancellation row,
 * the same order as recording a cancellation or a shipment, so neither can deadlock with them.
 */

async function lockRejected(
  tx: Tx,
  companyId: number,
  cancellationId: number,
  action: 'requeue' | 'release',
): Promise<{ order: ShippableOrder | null; cancellation: Cancellation }> {
  const [found] = await listCancellations(tx, companyId, { ids: [cancellationId] });
  if (!found) throw new UsageError(`no cancellation ${cancellationId} for company ${companyId}`);
  const order = await lockOrderForShipping(tx, companyId, found.amazonOrderId);
  const cancellation = await lockCancellation(tx, companyId, cancellationId);
  if (!cancellation) throw new UsageError(`no cancellation ${cancellationId} for company ${companyId}`);
  if (cancellation.state !== 'rejected') {
    throw new UsageError(
      `cancellation ${cancellationId} is ${cancellation.state}: only a cancellation Amazon rejected can be ` +
        `${action === 'requeue' ? 're-queued' : 'released'}`,
    );
  }
  return { order, cancellation };
}

/** Each line must still fit in what is left of its item besides its own held units. */
async function refuseNoLongerFits(
  tx: Tx,
  guard: ShipmentGuard,
  order: ShippableOrder,
  cancellation: Cancellation,
): Promise<void> {
  const held = await heldQuantities(tx, [order.id]);
  const { inUpload } = await guard.unitsInShipments(tx, order.id);
  for (const line of cancellation.items) {
    const item = order.items.find((candidate) => candidate.rowId === line.orderItemRowId);
    if (!item) throw new UsageError(`order ${order.amazonOrderId} no longer has item ${line.orderItemId}`);
    const othersHeld = (held.get(item.rowId) ?? 0) - line.quantity;
    const left = unitsLeft(item, { beingCancelled: othersHeld, beingShipped: inUpload.get(item.rowId) ?? 0 });
    if (line.quantity > left) {
      throw new UsageError(
        `cancellation ${cancellation.id}: item ${item.orderItemId} has only ${Math.max(0, left)} unit(s) left to ` +
          `cancel, not ${line.quantity} (shipped ${item.quantityShipped}, cancelled ${item.quantityCancelled}); ` +
          'release it instead',
      );
    }
  }
}

/** Sends a rejected cancellation again with the next cancellation upload; its units stay held. */
export async function requeueCancellation(
  db: Db,
  guard: ShipmentGuard,
  companyId: number,
  cancellationId: number,
  now: Date,
): Promise<Cancellation> {
  return db.transaction().execute(async (tx) => {
    const { order, cancellation } = await lockRejected(tx, companyId, cancellationId, 'requeue');
    refuseOrder(order, cancellation.amazonOrderId);
    await refuseNoLongerFits(tx, guard, order, cancellation);
    await moveCancellations(
      tx,
      [cancellation.id],
      'requested',
      now,
      {
        feed_id: null,
        attempts: 0,
        retry_after: null,
        result_code: null,
        result_message: null,
        last_error: `re-queued after Amazon rejected it (${cancellation.resultCode ?? ''}: ${cancellation.resultMessage ?? ''})`,
      },
      ['rejected'],
    );
    const [requeued] = await listCancellations(tx, companyId, { ids: [cancellation.id] });
    return requeued!;
  });
}

export interface CancellationReleased {
  cancellation: Cancellation;
  /** The buyer's cancellation request the released BuyerCanceled answered is open again. */
  buyerRequestReopened: boolean;
}

/** A BuyerCanceled acceptance of the buyer's request, still answering it: only one of them reopens it. */
async function answersBuyerRequest(tx: Tx, companyId: number, cancellation: Cancellation) {
  if (cancellation.reason !== 'BuyerCanceled' || !cancellation.buyerRequested) return false;
  const others = await listCancellations(tx, companyId, {
    orderId: cancellation.orderId,
    states: ['requested', 'in_feed', 'rejected', 'accepted'],
  });
  return !others.some(
    (other) => other.id !== cancellation.id && other.reason === 'BuyerCanceled' && other.buyerRequested,
  );
}

/**
 * Gives up a rejected cancellation: its units are no longer held and can be shipped (or cancelled
 * again). A released BuyerCanceled that was the seller's acceptance of the buyer's request reopens the
 * request (the order stays held until the seller answers again), or lets it expire when its respond-by
 * deadline has passed.
 */
export async function releaseCancellation(
  db: Db,
  companyId: number,
  cancellationId: number,
  now: Date,
): Promise<CancellationReleased> {
  return db.transaction().execute(async (tx) => {
    const { order, cancellation } = await lockRejected(tx, companyId, cancellationId, 'release');
    const reopen = order !== null && (await answersBuyerRequest(tx, companyId, cancellation));
    await moveCancellations(tx, [cancellation.id], 'released', now, {}, ['rejected']);
    const buyerRequestReopened = reopen
      ? (await reopenBuyerCancellation(tx, companyId, order.amazonOrderId, now)).state === 'requested'
      : false;
    const [released] = await listCancellations(tx, companyId, { ids: [cancellation.id] });
    return { cancellation: released!, buyerRequestReopened };
  });
}
