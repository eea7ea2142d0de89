import type { Transaction } from 'kysely';
import type { AmazonPort, RejectedOrder } from '../amazon/port.js';
import type { Company } from '../companies/companies.service.js';
import type { OrderSettings } from '../config.js';
import type { Db } from '../db/client.js';
import type { Database } from '../db/database.js';
import { saveCursor } from '../jobs/sync-cursors.repository.js';
import type { Keyring } from '../shared/crypto.js';
import type { Logger } from '../shared/logger.js';
import { recordProblems } from './download-problems.repository.js';
import { ORDERS_STREAM, type OrderCursor } from './download-window.js';
import { commitOrderBatch, type BatchCounts, type Customization } from './orders.ingest.js';
import type { OrderDraft } from './order-draft.js';

/** What one order download run works with. */
export interface DownloadContext {
  db: Db;
  keyring: Keyring;
  logger: Logger;
  port: AmazonPort;
  company: Company;
  runId: number | null;
  settings: OrderSettings;
  signal: AbortSignal;
  /** Our clock; replaceable so a test can run it fast or slow. */
  now: () => Date;
  sleep: (ms: number) => Promise<void>;
  counts: Record<string, number>;
}

export function addCounts(
  context: DownloadContext,
  counts: Partial<BatchCounts> | Record<string, number>,
): void {
  for (const [key, value] of Object.entries(counts)) {
    if (typeof value === 'number') context.counts[key] = (context.counts[key] ?? 0) + value;
  }
}

/**
 * Commits a batch of orders in one transaction with what must land with them (`alongside`: the cursor
 * that covers them, the problems of their page, a resolved problem).
 */
export async function commitDrafts(
  context: DownloadContext,
  drafts: OrderDraft[],
  source: string,
  alongside: (tx: Transaction<Database>) => Promise<void>,
  customizations?: ReadonlyMap<string, Customization>,
): Promise<void> {
  const started = performance.now();
  const counts = await context.db.transaction().execute(async (tx) => {
    const batchCounts = await commitOrderBatch(tx, context.keyring, {
      companyId: context.company.id,
      allowCheckoutByAmazon: context.company.allowCheckoutByAmazonOrders,
      runId: context.runId,
      source,
      drafts,
      ...(customizations && { customizations }),
    });
    await alongside(tx);
    return batchCounts;
  });
  addCounts(context, { ...counts, ingestMs: Math.round(performance.now() - started) });
}

/** Commits a batch of orders, the orders Amazon sent malformed beside them, and the cursor that covers them. */
export async function commitWithCursor(
  context: DownloadContext,
  drafts: OrderDraft[],
  source: string,
  cursor: OrderCursor,
  customizations?: ReadonlyMap<string, Customization>,
  rejected: readonly RejectedOrder[] = [],
): Promise<void> {
  await commitDrafts(
    context,
    drafts,
    source,
    async (tx) => {
      await recordProblems(tx, context.company.id, context.runId, rejected, context.now());
      await saveCursor(tx, context.company.id, ORDERS_STREAM, cursor);
    },
    customizations,
  );
}

/** Stops the run at a safe point (between committed batches) when the process is shutting down. */
export class DownloadStopped extends Error {
  override name = 'DownloadStopped';
}

export function stopIfAborted(context: DownloadContext): void {
  if (context.signal.aborted)
    throw new DownloadStopped('order download stopped for shutdown; the next run resumes it');
}
