import type { Company } from '../companies/companies.service.js';
import type { Db, Tx } from '../db/client.js';
import { prepareFeeds } from '../feeds/feed-prepare.js';
import { schemaFailures } from '../feeds/feed-schema-check.js';
import type { Feed } from '../feeds/feeds.repository.js';
import { adjustmentFeedKind } from './refunds.feed-kind.js';
import { lockDueRefunds, moveRefunds, rejectRefunds, type Refund } from './refunds.repository.js';

function byMarketplace(refunds: Refund[]): Map<string, Refund[]> {
  const groups = new Map<string, Refund[]>();
  for (const r of refunds) groups.set(r.marketplaceId, [...(groups.get(r.marketplaceId) ?? []), r]);
  return groups;
}

export interface StoredAdjustments {
  feeds: Feed[];
  /** Refunds set aside because their message failed Amazon's schema: our bug, never sent. */
  invalid: number;
}

/**
 * Stores the feeds for the refunds past their hold, one per marketplace, with their MessageID → refund
 * maps, and marks them in_feed, in one transaction: after it every refund is in exactly one open feed
 * and can no longer be undone. Messages failing the XSD are rejected here and never reach Amazon.
 */
export async function storeAdjustmentFeeds(db: Db, company: Company, now: Date): Promise<StoredAdjustments> {
  return db.transaction().execute(async (tx: Tx) => {
    const due = await lockDueRefunds(tx, company.id, now);
    if (due.length === 0) return { feeds: [], invalid: 0 };
    const failures = await schemaFailures(adjustmentFeedKind, company.sellerId, due, (r) => r.id);
    await rejectRefunds(
      tx,
      [...failures].map(([id, errors]) => ({
        id,
        code: 'schema',
        message: `sellersync built a message that fails Amazon's schema (a sellersync bug, not sent): ${errors}`,
      })),
      ['requested'],
    );
    const owner = {
      companyId: company.id,
      merchantIdentifier: company.sellerId,
      marketplaceIds: company.marketplaceIds,
    };
    const feeds: Feed[] = [];
    for (const group of byMarketplace(due.filter((r) => !failures.has(r.id))).values()) {
      const prepared = await prepareFeeds(tx, adjustmentFeedKind, owner, group, (r) => r.marketplaceId);
      for (const { feed, entityIds } of prepared) {
        await moveRefunds(tx, entityIds, 'in_feed', { feed_id: feed.id, last_error: null }, ['requested']);
        feeds.push(feed);
      }
    }
    return { feeds, invalid: failures.size };
  });
}
