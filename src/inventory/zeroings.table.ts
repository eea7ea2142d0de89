import type { ColumnType, Generated, Selectable } from 'kysely';

/**
 * One SKU set to quantity 0 on Amazon after a NoInventory cancellation:
 *   pending   recorded, not sent yet (or sent and not answered)
 *   in_feed   in a JSON_LISTINGS_FEED that has not finished (more than 20 SKUs at once)
 *   accepted  Amazon took the patch (ACCEPTED; applied asynchronously on Amazon's side)
 *   invalid   Amazon refused it (INVALID), with its issues
 *   failed    the call failed; the next cancellation upload tries again
 */
export const ZEROING_STATES = ['pending', 'in_feed', 'accepted', 'invalid', 'failed'] as const;
export type ZeroingState = (typeof ZEROING_STATES)[number];

export interface ListingIssue {
  code: string;
  message: string;
  severity: string;
}

export interface InventoryZeroingsTable {
  id: Generated<number>;
  company_id: number;
  cancellation_id: number | null;
  amazon_order_id: string;
  sku: string;
  marketplace_id: string;
  state: ColumnType<ZeroingState, ZeroingState | undefined, ZeroingState>;
  feed_id: number | null;
  submission_id: string | null;
  issues: ColumnType<ListingIssue[], string | undefined, string>;
  error: string | null;
  attempts: ColumnType<number, number | undefined, number>;
  requested_at: ColumnType<Date, Date | undefined, Date>;
  answered_at: Date | null;
}

export type InventoryZeroingRow = Selectable<InventoryZeroingsTable>;
