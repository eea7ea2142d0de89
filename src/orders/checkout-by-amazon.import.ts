import { AmazonResponseError, isAmazonError } from '../amazon/errors.js';
import type { AmazonOrder } from '../amazon/port.js';
import { forgetSkippedOrders, findSkippedOrders } from './checkout-by-amazon.repository.js';
import { addCounts, commitSettingAside, stopIfAborted, type DownloadContext } from './download-context.js';
import { downloadCustomizations, draftsOf, FULL_DATA } from './search-pages.js';

/** Skipped orders asked for per run: with the download problems' retries, within getOrder's burst (30). */
export const CHECKOUT_BY_AMAZON_IMPORTS_PER_RUN = 20;

const SOURCE = 'getOrder(checkout-by-amazon)';

/** Stores the order as a page would (or sets it aside as a download problem); it is no longer waiting. */
async function storeSkippedOrder(context: DownloadContext, amazonOrderId: string, order: AmazonOrder) {
  const { drafts, rejected } = draftsOf([order]);
  const customizations = await downloadCustomizations(context, drafts);
  const setAside = await commitSettingAside(
    context,
    { drafts, source: SOURCE, rejected },
    (tx) => forgetSkippedOrders(tx, context.company.id, [amazonOrderId]),
    customizations,
  );
  if (setAside.length === 0) addCounts(context, { checkoutByAmazonImported: 1 });
}

/** Asks Amazon for one skipped order; false when the gateway says to stop asking for this run. */
async function importSkippedOrder(context: DownloadContext, amazonOrderId: string): Promise<boolean> {
  let order: AmazonOrder;
  try {
    order = await context.port.getOrder(amazonOrderId, FULL_DATA);
  } catch (err) {
    if (err instanceof AmazonResponseError) {
      const rejected = [{ orderId: amazonOrderId, problem: err.message }];
      await commitSettingAside(context, { drafts: [], source: SOURCE, rejected }, (tx) =>
        forgetSkippedOrders(tx, context.company.id, [amazonOrderId]),
      );
      return true;
    }
    if (!isAmazonError(err)) throw err;
    if (err.kind === 'not_found') {
      // Older than Amazon keeps (two years): there is nothing left to import.
      context.logger.warn(
        { companyId: context.company.id, amazonOrderId },
        'skipped checkout by amazon order no longer found at amazon; not imported',
      );
      await forgetSkippedOrders(context.db, context.company.id, [amazonOrderId]);
      return true;
    }
    context.logger.warn(
      { companyId: context.company.id, amazonOrderId, kind: err.kind, reason: err.message },
      'importing a skipped checkout by amazon order failed; it is asked for again next run',
    );
    return err.kind !== 'throttled' && err.kind !== 'authorization_revoked';
  }
  await storeSkippedOrder(context, amazonOrderId, order);
  return true;
}

/**
 * Once the company imports Checkout by Amazon orders, fetches with getOrder those skipped while it did
 * not (a few per run, oldest update first), whatever window they were in, and stores them as a page would.
 */
export async function importSkippedCheckoutByAmazon(context: DownloadContext): Promise<void> {
  if (!context.company.allowCheckoutByAmazonOrders) return;
  const skipped = await findSkippedOrders(context.db, context.company.id, CHECKOUT_BY_AMAZON_IMPORTS_PER_RUN);
  for (const amazonOrderId of skipped) {
    stopIfAborted(context);
    if (!(await importSkippedOrder(context, amazonOrderId))) return;
  }
}
