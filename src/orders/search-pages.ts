import type { AmazonOrder, IncludedData, RejectedOrder, SearchOrdersParams } from '../amazon/port.js';
import { CustomizationError, readCustomization, refusedCustomization } from './customization.js';
import { addCounts, type DownloadContext } from './download-context.js';
import { PAGE_SIZE } from './download-plan.js';
import type { WindowState } from './download-window.js';
import { findCustomizedItems } from './orders.repository.js';
import { AmazonOrderPayloadError, mapAmazonOrder } from './order-mapping.js';
import { needsBuyerData, type OrderDraft } from './order-draft.js';
import type { Customization } from './orders.ingest.js';

export const FULL_DATA: IncludedData[] = [
  'BUYER',
  'RECIPIENT',
  'PROCEEDS',
  'PROMOTION',
  'CANCELLATION',
  'FULFILLMENT',
  'PACKAGES',
  'TAX',
];

/**
 * The searchOrders parameters of a window's phase; every page of a phase repeats them (Amazon's rule).
 * The search phase leaves the window's end to Amazon; the buyer-data phase sends the end Amazon chose.
 */
export function searchParams(
  context: DownloadContext,
  window: Pick<WindowState, 'after' | 'end' | 'phase'>,
  nextToken?: string,
): SearchOrdersParams {
  const buyerDataOnly = window.phase === 'buyer-data';
  return {
    marketplaceIds: context.company.marketplaceIds,
    lastUpdatedAfter: window.after,
    ...(buyerDataOnly && { lastUpdatedBefore: window.end }),
    ...(buyerDataOnly && {
      fulfilledBy: ['MERCHANT'],
      fulfillmentStatuses: ['UNSHIPPED', 'PARTIALLY_SHIPPED'],
    }),
    maxResultsPerPage: PAGE_SIZE,
    includedData: FULL_DATA,
    ...(nextToken !== undefined && { paginationToken: nextToken }),
  };
}

/**
 * The orders as we store them. An order the gateway let through but we cannot map (a status Amazon
 * added since) is rejected like a malformed one, so the rest of the page is still stored.
 */
export function draftsOf(orders: AmazonOrder[]): { drafts: OrderDraft[]; rejected: RejectedOrder[] } {
  const drafts: OrderDraft[] = [];
  const rejected: RejectedOrder[] = [];
  for (const order of orders) {
    try {
      const draft = mapAmazonOrder(order);
      drafts.push(needsBuyerData(draft) ? draft : { ...draft, buyer: null, recipient: null });
    } catch (err) {
      if (!(err instanceof AmazonOrderPayloadError)) throw err;
      rejected.push({ orderId: order.orderId, problem: err.message });
    }
  }
  return { drafts, rejected };
}

/**
 * Downloads Amazon Custom customizations not stored yet. A failed download is logged (without the URL,
 * which is buyer data) and counted; the order is stored without its note and retried when next seen.
 * An archive refused (not a zip, no JSON, damaged, or inflating beyond the cap) is not retried: the item
 * is stored with the problem as its customization summary, shown in the order's note.
 */
export async function downloadCustomizations(
  context: DownloadContext,
  drafts: OrderDraft[],
): Promise<Map<string, Customization>> {
  const customized = drafts.filter((d) => d.items.some((i) => i.customizedUrl !== null));
  const result = new Map<string, Customization>();
  if (customized.length === 0) return result;
  const stored = await findCustomizedItems(
    context.db,
    context.company.id,
    customized.map((d) => d.amazonOrderId),
  );
  for (const draft of customized) {
    for (const item of draft.items) {
      const key = `${draft.amazonOrderId}/${item.orderItemId}`;
      if (item.customizedUrl === null || stored.has(key)) continue;
      try {
        result.set(key, readCustomization(await context.port.downloadCustomization(item.customizedUrl)));
        addCounts(context, { customizations: 1 });
      } catch (err) {
        if (err instanceof CustomizationError) {
          context.logger.warn(
            { amazonOrderId: draft.amazonOrderId, orderItemId: item.orderItemId, reason: err.message },
            'customization archive refused; the order is stored with the problem in its note',
          );
          result.set(key, refusedCustomization(err));
          addCounts(context, { customizationsRefused: 1 });
          continue;
        }
        context.logger.warn(
          { amazonOrderId: draft.amazonOrderId, orderItemId: item.orderItemId, reason: (err as Error).name },
          'customization download failed; the order is stored without its note and retried when next seen',
        );
        addCounts(context, { customizationFailures: 1 });
      }
    }
  }
  return result;
}
