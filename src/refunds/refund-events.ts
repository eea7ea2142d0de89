import type { Tx } from '../db/client.js';

/** Amazon's verdicts on refunds of one payment-adjustment feed. */
export interface RefundsDecided {
  companyId: number;
  accepted: number[];
  rejected: { refundId: number; message: string }[];
  at: Date;
}

/**
 * What other domains do when Amazon decides on refunds, registered in `src/wiring.ts` so refunds never
 * import them. Runs in the transaction that closes the feed: both land or neither does.
 */
export interface RefundEventHandlers {
  refundsDecided(tx: Tx, event: RefundsDecided): Promise<void>;
}

export const NO_REFUND_EVENT_HANDLERS: RefundEventHandlers = {
  refundsDecided: () => Promise.resolve(),
};
