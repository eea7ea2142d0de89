import type { Tx } from '../db/client.js';
import { packDocuments } from './feed-envelope.js';
import type { FeedKindDefinition } from './feed-kinds.js';
import { insertFeed, type Feed } from './feeds.repository.js';

/** Whose feeds these are: the company, its seller id (the envelope's MerchantIdentifier), its marketplaces. */
export interface FeedOwner {
  companyId: number;
  merchantIdentifier: string;
  /** Used when no entity names its marketplace. */
  marketplaceIds: string[];
}

/** The owner of a company's feeds. */
export function feedOwnerOf(company: { id: number; sellerId: string; marketplaceIds: string[] }): FeedOwner {
  return {
    companyId: company.id,
    merchantIdentifier: company.sellerId,
    marketplaceIds: company.marketplaceIds,
  };
}

/** A stored feed and the ids of the entities whose messages it carries. */
export interface PreparedFeed {
  feed: Feed;
  entityIds: number[];
}

/**
 * Builds the kind's documents for these entities (split only where the size limit requires it) and
 * stores each with its MessageID → entity map, in the caller's transaction, before anything is sent.
 */
export async function prepareFeeds<Entity>(
  tx: Tx,
  definition: FeedKindDefinition<Entity>,
  owner: FeedOwner,
  entities: Entity[],
  marketplaceOf: (entity: Entity) => string | null,
): Promise<PreparedFeed[]> {
  const inputs = entities.map((entity) => ({ entity, message: definition.buildMessage(entity) }));
  const marketplaceById = new Map(
    inputs.map(({ entity, message }) => [message.entityId, marketplaceOf(entity)]),
  );
  const documents = packDocuments(
    { merchantIdentifier: owner.merchantIdentifier, messageType: definition.messageType },
    inputs.map(({ message }) => message),
  );
  const prepared: PreparedFeed[] = [];
  for (const document of documents) {
    const named = new Set(
      document.messages.map((m) => marketplaceById.get(m.entityId)).filter((id): id is string => Boolean(id)),
    );
    const feed = await insertFeed(tx, {
      companyId: owner.companyId,
      kind: definition.kind,
      feedType: definition.feedType,
      marketplaceIds: named.size > 0 ? [...named].sort() : owner.marketplaceIds.slice(0, 1),
      document,
    });
    prepared.push({ feed, entityIds: document.messages.map((m) => m.entityId) });
  }
  return prepared;
}
