import type { AmazonPort } from '../amazon/port.js';
import type { Db } from '../db/client.js';
import type { Logger } from '../shared/logger.js';
import { transactionFacts } from './finance-transactions.facts.js';
import { storeTransactions } from './finance-transactions.repository.js';

/**
 * Reads the Finances API's listTransactions (2024-06-19, 0.5 requests/s, burst 10) for the company, a
 * window of posted dates at a time, and keeps what concerns orders with open questions. Where the reading
 * stands is stored with each page's transactions, in one transaction: killed anywhere, the next run
 * resumes at the first page not stored; a window is done only when its last page is stored.
 */

/** Pages per run: the operation's burst, so a run never waits on the rate. */
export const FINANCE_PAGES_PER_RUN = 10;
/** Amazon: transactions of the last 48 hours may be missing; each window reads them again. */
const LATE_POSTING_MS = 48 * 3_600_000;
/** postedBefore must be more than two minutes before the request. */
const LATEST_MS = 5 * 60_000;
/** The first window reaches back one settlement period. */
const FIRST_WINDOW_MS = 14 * 86_400_000;
/** Amazon returns nothing for windows longer than 180 days. */
const LONGEST_WINDOW_MS = 179 * 86_400_000;

export interface FinanceReadCounts {
  finance_pages: number;
  finance_transactions: number;
  finance_refunds: number;
}

interface Window {
  start: Date;
  end: Date;
  nextToken: string | null;
}

async function currentWindow(db: Db, companyId: number, amazonTime: Date): Promise<Window> {
  const cursor = await db
    .selectFrom('finance_cursors')
    .selectAll()
    .where('company_id', '=', companyId)
    .executeTakeFirst();
  if (cursor?.window_start && cursor.window_end)
    return { start: cursor.window_start, end: cursor.window_end, nextToken: cursor.next_token };
  const end = new Date(amazonTime.getTime() - LATEST_MS);
  const from = cursor
    ? cursor.stored_before.getTime() - LATE_POSTING_MS
    : amazonTime.getTime() - FIRST_WINDOW_MS;
  return { start: new Date(Math.max(from, end.getTime() - LONGEST_WINDOW_MS)), end, nextToken: null };
}

export async function readFinanceTransactions(
  db: Db,
  port: AmazonPort,
  companyId: number,
  amazonTime: Date,
  now: Date,
  logger: Logger,
): Promise<FinanceReadCounts> {
  const counts: FinanceReadCounts = { finance_pages: 0, finance_transactions: 0, finance_refunds: 0 };
  const window = await currentWindow(db, companyId, amazonTime);
  if (window.start >= window.end) return counts;
  let nextToken = window.nextToken;
  while (counts.finance_pages < FINANCE_PAGES_PER_RUN) {
    const page = await port.listTransactions({
      postedAfter: window.start.toISOString(),
      postedBefore: window.end.toISOString(),
      ...(nextToken === null ? {} : { nextToken }),
    });
    counts.finance_pages += 1;
    for (const rejected of page.rejectedTransactions)
      logger.warn({ problem: rejected.problem }, 'finance transaction not in Amazon’s model; skipped');
    const facts = page.transactions.flatMap((transaction) => transactionFacts(transaction) ?? []);
    nextToken = page.nextToken ?? null;
    const done = nextToken === null;
    const stored = await db.transaction().execute(async (tx) => {
      const kept = await storeTransactions(tx, companyId, facts, now);
      await tx
        .insertInto('finance_cursors')
        .values({
          company_id: companyId,
          stored_before: done ? window.end : window.start,
          window_start: done ? null : window.start,
          window_end: done ? null : window.end,
          next_token: nextToken,
          updated_at: now,
        })
        .onConflict((conflict) =>
          conflict.column('company_id').doUpdateSet({
            ...(done ? { stored_before: window.end } : {}),
            window_start: done ? null : window.start,
            window_end: done ? null : window.end,
            next_token: nextToken,
            updated_at: now,
          }),
        )
        .execute();
      return kept;
    });
    counts.finance_transactions += stored.length;
    counts.finance_refunds += stored.filter((fact) => fact.transactionType === 'Refund').length;
    if (done) break;
  }
  return counts;
}
