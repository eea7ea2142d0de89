import type { Tx } from '../db/client.js';

/** An order the download found newly cancelled on Amazon (by Amazon, the buyer or the seller there). */
export interface OrderCancelledOnAmazon {
  companyId: number;
  amazonOrderId: string;
  /** Who cancelled it and why, as one line: `order cancelled (by AMAZON: Payment could not be verified)`. */
  reason: string;
}

export interface OrderChargesChanged {
  companyId: number;
  amazonOrderIds: string[];
}

/**
 * What other domains do when an order changes, registered in `src/wiring.ts` so orders never import them.
 * Each handler runs in the transaction that stores the change: both land or neither does.
 */
export interface OrderEventHandlers {
  /** Returns how many of the order's shipments not yet sent it voided. */
  cancelledOnAmazon(tx: Tx, event: OrderCancelledOnAmazon): Promise<{ shipmentsVoided: number }>;
  /** Orders already stored whose items were written again: what was charged (shipped, prices) may differ. */
  chargesChanged(tx: Tx, event: OrderChargesChanged): Promise<void>;
}

/** Orders on their own: nothing else listens. */
export const NO_ORDER_EVENT_HANDLERS: OrderEventHandlers = {
  cancelledOnAmazon: () => Promise.resolve({ shipmentsVoided: 0 }),
  chargesChanged: () => Promise.resolve(),
};
