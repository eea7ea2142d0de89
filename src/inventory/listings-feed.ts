import type { Company } from '../companies/companies.service.js';
import type { Db } from '../db/client.js';
import type { FeedApplier } from '../feeds/feed-applier.js';
import type { FeedDocument } from '../feeds/feed-envelope.js';
import type { RegisteredFeedKind } from '../feeds/feed-kinds.js';
import { insertFeed, type Feed } from '../feeds/feeds.repository.js';
import { parseListingsReport } from './listings-report.js';
import { ZERO_QUANTITY_PATCH } from './zero-quantity.js';
import {
  lockPendingZeroings,
  markZeroingsInFeed,
  recordZeroingVerdicts,
  releaseZeroingsOfFeed,
  type InventoryZeroing,
} from './zeroings.repository.js';

/**
 * More than this many SKUs to zero at once go to Amazon as one JSON_LISTINGS_FEED (5 submissions per 5
 * minutes, up to 25,000 messages) instead of one patchListingsItem call each (5 per second).
 */
export const LISTINGS_FEED_THRESHOLD = 20;
/** Messages per listings feed; Amazon allows 25,000. */
const MESSAGES_PER_FEED = 10_000;
/** Failed sends of one SKU before it is reported as failed rather than tried again. */
export const MAX_ZEROING_ATTEMPTS = 5;
export const ZEROING_ENTITY = 'inventory_zeroing';
export const JSON_CONTENT_TYPE = 'application/json; charset=UTF-8';

/** One PATCH message per SKU, the same patch patchListingsItem sends (listings-feed-schema-v2). */
export function listingsFeedDocument(sellerId: string, zeroings: InventoryZeroing[]): FeedDocument {
  const messages = zeroings.map((z, index) => ({
    messageId: index + 1,
    sku: z.sku,
    operationType: 'PATCH',
    productType: ZERO_QUANTITY_PATCH.productType,
    patches: ZERO_QUANTITY_PATCH.patches,
  }));
  return {
    content: JSON.stringify({ header: { sellerId, version: '2.0', issueLocale: 'en_US' }, messages }),
    messages: zeroings.map((z, index) => ({
      messageId: index + 1,
      entityKind: ZEROING_ENTITY,
      entityId: z.id,
    })),
  };
}

const applier: FeedApplier = {
  async applyVerdicts(tx, feed, verdicts) {
    const mine = verdicts.filter((v) => v.entityKind === ZEROING_ENTITY);
    await recordZeroingVerdicts(
      tx,
      feed.id,
      mine.map((v) => ({
        id: v.entityId,
        state: v.accepted ? 'accepted' : 'invalid',
        submissionId: `feed ${feed.amazonFeedId ?? feed.id} message ${v.messageId}`,
        issues: v.description
          ? [{ code: v.resultCode ?? '', message: v.description, severity: v.accepted ? 'WARNING' : 'ERROR' }]
          : [],
      })),
    );
  },
  async releaseEntities(tx, feed, entities, reason) {
    const ids = entities.filter((e) => e.entityKind === ZEROING_ENTITY).map((e) => e.entityId);
    await releaseZeroingsOfFeed(tx, feed.id, ids, reason, MAX_ZEROING_ATTEMPTS);
  },
};

/** Inventory zeroing in bulk, registered with the feed pipeline; its report is JSON. */
export const listingsZeroingFeedKind: RegisteredFeedKind = {
  kind: 'listings-zeroing',
  feedType: 'JSON_LISTINGS_FEED',
  messageType: 'LISTINGS',
  applier,
  readReport: parseListingsReport,
};

/**
 * Stores the company's pending zeroings as listings feeds, one per marketplace (split past
 * MESSAGES_PER_FEED), and marks them in_feed, in one transaction, before anything is sent.
 */
export async function storeZeroingFeeds(db: Db, company: Company): Promise<Feed[]> {
  return db.transaction().execute(async (tx) => {
    const pending = await lockPendingZeroings(tx, company.id);
    const byMarketplace = new Map<string, InventoryZeroing[]>();
    for (const z of pending)
      byMarketplace.set(z.marketplaceId, [...(byMarketplace.get(z.marketplaceId) ?? []), z]);
    const feeds: Feed[] = [];
    for (const [marketplaceId, zeroings] of byMarketplace) {
      for (let start = 0; start < zeroings.length; start += MESSAGES_PER_FEED) {
        const chunk = zeroings.slice(start, start + MESSAGES_PER_FEED);
        const feed = await insertFeed(tx, {
          companyId: company.id,
          kind: listingsZeroingFeedKind.kind,
          feedType: listingsZeroingFeedKind.feedType,
          marketplaceIds: [marketplaceId],
          document: listingsFeedDocument(company.sellerId, chunk),
          contentType: JSON_CONTENT_TYPE,
        });
        await markZeroingsInFeed(
          tx,
          chunk.map((z) => z.id),
          feed.id,
        );
        feeds.push(feed);
      }
    }
    return feeds;
  });
}
