import type { Company } from '../companies/companies.service.js';
import type { Db } from '../db/client.js';
import { storeEntityFeeds, type StoredEntityFeeds } from '../feeds/feed-entities.js';
import { feedOwnerOf } from '../feeds/feed-prepare.js';
import { adjustmentFeedKind } from './refunds.feed-kind.js';
import { lockDueRefunds } from './refunds.repository.js';

/**
 * Stores the feeds for the refunds past their hold, one per marketplace, and marks them in_feed in the
 * same transaction: from then on a refund is in exactly one open feed and can no longer be undone.
 * Messages failing the XSD are rejected here and never reach Amazon.
 */
export async function storeAdjustmentFeeds(db: Db, company: Company, now: Date): Promise<StoredEntityFeeds> {
  return storeEntityFeeds(
    db,
    feedOwnerOf(company),
    {
      definition: adjustmentFeedKind,
      table: 'refunds',
      lockDue: (tx, at) => lockDueRefunds(tx, company.id, at),
      idOf: (r) => r.id,
      marketplaceOf: (r) => r.marketplaceId,
    },
    now,
  );
}
