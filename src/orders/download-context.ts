import { sql, type Transaction } from 'kysely';
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
import {
  commitOrderBatch,
  emptyCounts,
  sumCounts,
  type BatchCounts,
  type Customization,
  type OrderBatch,
} from './orders.ingest.js';
import type { OrderDraft } from './order-draft.js';
import type { OrderEventHandlers } from './order-events.js';
import type { MergeProblem } from './order-state.js';

/** What an order download run counts, as recorded on its run. */
export type OrderDownloadCounts = Partial<
  BatchCounts &
    Record<
      | 'pages'
      | 'ingestMs'
      | 'plan_search'
      | 'plan_report'
      | 'estimatedOrders'
      | 'windowRestarts'
      | 'cursorRepaired'
      | 'checkoutByAmazonImported'
      | 'rejected'
      | 'customizations'
      | 'customizationFailures'
      | 'customizationsRefused'
      | 'problemsResolved'
      | 'problemsStillOpen'
      | 'reportFallbacks'
      | 'reportIngestMs'
      | 'reportOrders'
      | 'reportWaitMs',
      number
    >
>;

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
  /** What other domains do when an order changes (`ORDER_EVENTS` in `src/wiring.ts`). */
  orderEvents: OrderEventHandlers;
  counts: OrderDownloadCounts;
  /** Told where the download is, with its counts so far (the run's progress). */
  progress?: (message: string) => Promise<void>;
}

export async function reportProgress(context: DownloadContext, message: string): Promise<void> {
  await context.progress?.(message);
}

export function addCounts(context: DownloadContext, counts: OrderDownloadCounts): void {
  for (const [key, value] of Object.entries(counts) as [keyof OrderDownloadCounts, number | undefined][]) {
    if (typeof value === 'number') context.counts[key] = (context.counts[key] ?? 0) + value;
  }
}

/** Postgres refused a value (data exception, check or not-null violation, a row hit twice): the record is bad. */
function isRecordError(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && (code.startsWith('22') || ['23514', '23502', '21000'].includes(code));
}

async function inSavepoint<T>(tx: Transaction<Database>, work: () => Promise<T>): Promise<T> {
  await sql`SAVEPOINT order_batch`.execute(tx);
  try {
    const result = await work();
    await sql`RELEASE SAVEPOINT order_batch`.execute(tx);
    return result;
  } catch (err) {
    await sql`ROLLBACK TO SAVEPOINT order_batch`.execute(tx);
    throw err;
  }
}

/** Copies the merge did not apply (a status move Amazon never makes), set aside like unreadable ones. */
function setAside(problems: MergeProblem[]): RejectedOrder[] {
  return problems.map((p) => ({ orderId: p.amazonOrderId, problem: p.problem }));
}

function copiesByOrder(drafts: OrderDraft[]): Map<string, OrderDraft[]> {
  const byOrder = new Map<string, OrderDraft[]>();
  for (const draft of drafts)
    byOrder.set(draft.amazonOrderId, [...(byOrder.get(draft.amazonOrderId) ?? []), draft]);
  return byOrder;
}

/**
 * Writes the batch in bulk; should Postgres refuse one of its records, the orders are written one by one
 * and those it refuses are returned as rejected, naming the order, the source and what Postgres said.
 */
async function writeBatch(
  tx: Transaction<Database>,
  context: DownloadContext,
  batch: OrderBatch,
): Promise<{ counts: BatchCounts; unstorable: RejectedOrder[] }> {
  try {
    const { counts, problems } = await inSavepoint(tx, () => commitOrderBatch(tx, context.keyring, batch));
    return { counts, unstorable: setAside(problems) };
  } catch (err) {
    if (!isRecordError(err)) throw err;
  }
  let counts: BatchCounts | undefined;
  const unstorable: RejectedOrder[] = [];
  for (const [amazonOrderId, drafts] of copiesByOrder(batch.drafts)) {
    try {
      const one = await inSavepoint(tx, () => commitOrderBatch(tx, context.keyring, { ...batch, drafts }));
      counts = counts ? sumCounts(counts, one.counts) : one.counts;
      unstorable.push(...setAside(one.problems));
    } catch (err) {
      if (!isRecordError(err)) throw err;
      const problem = `${batch.source}: order ${amazonOrderId} cannot be stored: ${(err as Error).message}`;
      unstorable.push({ orderId: amazonOrderId, problem });
    }
  }
  return { counts: { ...(counts ?? emptyCounts(0)), received: batch.drafts.length }, unstorable };
}

/**
 * Commits a batch of orders in one transaction with what must land with them (`alongside`: the cursor
 * that covers them, the problems of their page, a resolved problem). `alongside` is told which orders
 * Postgres refused; those are left out, and the rest is stored.
 */
export async function commitDrafts(
  context: DownloadContext,
  drafts: OrderDraft[],
  source: string,
  alongside: (tx: Transaction<Database>, unstorable: RejectedOrder[]) => Promise<void>,
  customizations?: ReadonlyMap<string, Customization>,
): Promise<RejectedOrder[]> {
  const started = performance.now();
  const { counts, unstorable } = await context.db.transaction().execute(async (tx) => {
    const written = await writeBatch(tx, context, {
      companyId: context.company.id,
      allowCheckoutByAmazon: context.company.allowCheckoutByAmazonOrders,
      runId: context.runId,
      source,
      drafts,
      retentionDays: context.settings.buyerDataRetentionDays,
      seenAt: context.now(),
      orderEvents: context.orderEvents,
      ...(customizations && { customizations }),
    });
    await alongside(tx, written.unstorable);
    return written;
  });
  addCounts(context, { ...counts, ingestMs: Math.round(performance.now() - started) });
  return unstorable;
}

/** Each order set aside is logged (its id and what is wrong, never its data) and counted. */
function reportRejected(context: DownloadContext, rejected: readonly RejectedOrder[]): void {
  for (const order of rejected) {
    context.logger.warn(
      { companyId: context.company.id, amazonOrderId: order.orderId, problem: order.problem },
      'amazon order set aside as a download problem; the rest of its page or report is stored',
    );
  }
  if (rejected.length > 0) addCounts(context, { rejected: rejected.length });
}

/**
 * Commits a batch of orders with the orders that could not be read beside them (and any Postgres refused),
 * recorded as download problems, and what must land with them (`alongside`).
 */
export async function commitSettingAside(
  context: DownloadContext,
  batch: { drafts: OrderDraft[]; source: string; rejected: readonly RejectedOrder[] },
  alongside: (tx: Transaction<Database>) => Promise<void>,
  customizations?: ReadonlyMap<string, Customization>,
): Promise<RejectedOrder[]> {
  let setAside: RejectedOrder[] = [];
  await commitDrafts(
    context,
    batch.drafts,
    batch.source,
    async (tx, unstorable) => {
      setAside = [...batch.rejected, ...unstorable];
      await recordProblems(tx, context.company.id, context.runId, batch.source, setAside, context.now());
      await alongside(tx);
    },
    customizations,
  );
  reportRejected(context, setAside);
  return setAside;
}

/** Commits a batch of orders, the orders set aside beside them, and the cursor that covers them. */
export async function commitWithCursor(
  context: DownloadContext,
  drafts: OrderDraft[],
  source: string,
  cursor: OrderCursor,
  customizations?: ReadonlyMap<string, Customization>,
  rejected: readonly RejectedOrder[] = [],
): Promise<void> {
  await commitSettingAside(
    context,
    { drafts, source, rejected },
    (tx) => saveCursor(tx, context.company.id, ORDERS_STREAM, cursor),
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
