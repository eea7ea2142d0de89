import type { Db } from '../db/client.js';
import { commitDrafts, type DownloadContext } from './download-context.js';
import { downloadCustomizations, draftsOf, FULL_DATA } from './search-pages.js';

/**
 * What the settlements domain needs of orders: which of the orders a settlement names are stored, and
 * one order fetched with getOrder and stored like any downloaded copy.
 */

export async function storedAmazonOrderIds(
  db: Db,
  companyId: number,
  amazonOrderIds: string[],
): Promise<Set<string>> {
  if (amazonOrderIds.length === 0) return new Set();
  const rows = await db
    .selectFrom('orders')
    .select('amazon_order_id')
    .where('company_id', '=', companyId)
    .where('amazon_order_id', 'in', amazonOrderIds)
    .execute();
  return new Set(rows.map((row) => row.amazon_order_id));
}

/**
 * Fetches one order with getOrder and stores it through the download's own merge (`source` says why,
 * e.g. `getOrder(settlement):<settlement-id>`); false when Amazon's copy could not be stored.
 */
export async function fetchAndStoreOrder(
  context: DownloadContext,
  amazonOrderId: string,
  source: string,
): Promise<boolean> {
  const order = await context.port.getOrder(amazonOrderId, FULL_DATA);
  const { drafts, rejected } = draftsOf([order]);
  if (rejected.length > 0 || drafts.length === 0) return false;
  const customizations = await downloadCustomizations(context, drafts);
  const unstorable = await commitDrafts(context, drafts, source, async () => undefined, customizations);
  return unstorable.length === 0;
}
