import { validateOrderFeed } from '../amazon/feed-schema.js';
import type { Company } from '../companies/companies.service.js';
import type { Db, Tx } from '../db/client.js';
import { packDocuments } from '../feeds/feed-envelope.js';
import { prepareFeeds } from '../feeds/feed-prepare.js';
import type { Feed } from '../feeds/feeds.repository.js';
import { sellerOrderIdsOf } from '../orders/orders.shipping.js';
import type { CancellationToSend } from './acknowledgement-message.js';
import { acknowledgementFeedKind } from './cancellations.feed-kind.js';
import {
  lockDueCancellations,
  moveCancellations,
  rejectCancellations,
  type Cancellation,
} from './cancellations.repository.js';

function documentsOf(sellerId: string, cancellations: CancellationToSend[]): string[] {
  return packDocuments(
    { merchantIdentifier: sellerId, messageType: acknowledgementFeedKind.messageType },
    cancellations.map((c) => acknowledgementFeedKind.buildMessage(c)),
  ).map((document) => document.content);
}

/**
 * The cancellations whose message fails Amazon's schema, with libxml2's errors. The whole batch is
 * checked first; only when it fails is each message checked alone, so one bad message is set aside and
 * the others still go. Cancellations are few, so every feed is checked before it is stored.
 */
async function schemaFailures(
  sellerId: string,
  cancellations: CancellationToSend[],
): Promise<Map<number, string>> {
  const failures = new Map<number, string>();
  const results = await Promise.all(
    documentsOf(sellerId, cancellations).map((xml) => validateOrderFeed(xml)),
  );
  if (results.every((result) => result.valid)) return failures;
  for (const cancellation of cancellations) {
    const [xml] = documentsOf(sellerId, [cancellation]);
    const result = await validateOrderFeed(xml!);
    if (!result.valid) failures.set(cancellation.id, result.errors.join('; '));
  }
  return failures;
}

/** The cancellations with their orders' seller order ids, read as they are now. */
async function toSend(tx: Tx, cancellations: Cancellation[]): Promise<CancellationToSend[]> {
  const sellerOrderIds = await sellerOrderIdsOf(
    tx,
    cancellations.map((c) => c.orderId),
  );
  return cancellations.map((c) => ({ ...c, sellerOrderId: sellerOrderIds.get(c.orderId) ?? null }));
}

function byMarketplace(cancellations: CancellationToSend[]): Map<string, CancellationToSend[]> {
  const groups = new Map<string, CancellationToSend[]>();
  for (const c of cancellations) groups.set(c.marketplaceId, [...(groups.get(c.marketplaceId) ?? []), c]);
  return groups;
}

export interface StoredAcknowledgements {
  feeds: Feed[];
  /** Cancellations set aside because their message failed Amazon's schema: our bug, never sent. */
  invalid: number;
}

/**
 * Stores the feeds for the due cancellations, one per marketplace, with their MessageID → cancellation
 * maps, and marks them in_feed, in one transaction: after it every cancellation is in exactly one open
 * feed. Messages failing the XSD are rejected here and never reach Amazon.
 */
export async function storeAcknowledgementFeeds(
  db: Db,
  company: Company,
  now: Date,
): Promise<StoredAcknowledgements> {
  return db.transaction().execute(async (tx: Tx) => {
    const due = await toSend(tx, await lockDueCancellations(tx, company.id, now));
    if (due.length === 0) return { feeds: [], invalid: 0 };
    const failures = await schemaFailures(company.sellerId, due);
    await rejectCancellations(
      tx,
      [...failures].map(([id, errors]) => ({
        id,
        code: 'schema',
        message: `sellersync built a message that fails Amazon's schema (a sellersync bug, not sent): ${errors}`,
      })),
      ['requested'],
      now,
    );
    const owner = {
      companyId: company.id,
      merchantIdentifier: company.sellerId,
      marketplaceIds: company.marketplaceIds,
    };
    const feeds: Feed[] = [];
    for (const group of byMarketplace(due.filter((c) => !failures.has(c.id))).values()) {
      const prepared = await prepareFeeds(tx, acknowledgementFeedKind, owner, group, (c) => c.marketplaceId);
      for (const { feed, entityIds } of prepared) {
        await moveCancellations(tx, entityIds, 'in_feed', now, { feed_id: feed.id, last_error: null }, [
          'requested',
        ]);
        feeds.push(feed);
      }
    }
    return { feeds, invalid: failures.size };
  });
}
