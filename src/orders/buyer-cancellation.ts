import type { Db, Tx } from '../db/client.js';
import { decideHold, type HoldDecision } from './order-merge.js';
import { lockOrderStates, orderRowOf } from './order-state.repository.js';
import { insertOrderEvents } from './orders.repository.js';
import type { CancelRequestState } from './orders.table.js';

/** The order is unknown, or its hold cannot take this decision (no open request, or already decided otherwise). */
export class BuyerCancellationDecisionError extends Error {
  override name = 'BuyerCancellationDecisionError';
}

export interface BuyerCancellationOutcome {
  state: CancelRequestState;
  /** False when the order already had this decision: nothing was written. */
  changed: boolean;
  onHold: boolean;
}

async function decideIn(
  tx: Tx,
  companyId: number,
  amazonOrderId: string,
  decision: HoldDecision,
  at: Date,
): Promise<BuyerCancellationOutcome> {
  const stored = (await lockOrderStates(tx, companyId, [amazonOrderId])).get(amazonOrderId);
  if (!stored)
    throw new BuyerCancellationDecisionError(`order ${amazonOrderId} of company ${companyId} is not stored`);
  const result = decideHold(stored.state, decision, at);
  const [problem] = result.problems;
  if (problem) throw new BuyerCancellationDecisionError(problem.problem);
  const row = orderRowOf(companyId, result.next, { runId: null, source: 'seller' });
  if (result.changed) {
    await tx
      .updateTable('orders')
      .set({
        cancel_request_state: row.cancel_request_state,
        cancel_decided_at: row.cancel_decided_at,
        on_hold: row.on_hold,
        hold_reason: row.hold_reason,
        updated_at: at,
      })
      .where('id', '=', stored.id)
      .execute();
    await insertOrderEvents(
      tx,
      result.events.map((event) => ({ ...event, orderId: stored.id, runId: null, source: 'seller' })),
    );
  }
  return { state: result.next.hold.state, changed: result.changed, onHold: row.on_hold ?? false };
}

/**
 * Moves an order's buyer-cancellation hold by the seller's answer (or its deadline passing), through the
 * same transition table as the download: requested → accepted | declined | expired. `declined` and
 * `expired` lift the hold, so the order can be shipped; `accepted` keeps it until Amazon cancels the order.
 * Runs in the caller's transaction when given one.
 */
export async function decideBuyerCancellation(
  db: Db | Tx,
  companyId: number,
  amazonOrderId: string,
  decision: HoldDecision,
  at: Date,
): Promise<BuyerCancellationOutcome> {
  if (db.isTransaction) return decideIn(db as Tx, companyId, amazonOrderId, decision, at);
  return db.transaction().execute((tx) => decideIn(tx, companyId, amazonOrderId, decision, at));
}

/**
 * Reopens a buyer's request whose acceptance Amazon rejected and the seller gave up (accepted →
 * requested): the order is held until the seller answers again, or, when the respond-by deadline has
 * already passed, the request expires and the hold lifts. Runs in the caller's transaction.
 */
export async function reopenBuyerCancellation(
  tx: Tx,
  companyId: number,
  amazonOrderId: string,
  at: Date,
): Promise<BuyerCancellationOutcome> {
  const reopened = await decideIn(tx, companyId, amazonOrderId, 'requested', at);
  const stored = (await lockOrderStates(tx, companyId, [amazonOrderId])).get(amazonOrderId);
  const respondBy = stored?.state.hold.respondBy ?? null;
  if (reopened.state !== 'requested' || respondBy === null || respondBy > at) return reopened;
  return decideIn(tx, companyId, amazonOrderId, 'expired', at);
}
