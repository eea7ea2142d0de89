import { sql } from 'kysely';
import type { Db, Tx } from '../db/client.js';
import type { FeedApplier } from './feed-applier.js';
import type { FeedKindDefinition } from './feed-kinds.js';
import { prepareFeeds, type FeedOwner } from './feed-prepare.js';
import { schemaFailures } from './feed-schema-check.js';
import type { Feed } from './feeds.repository.js';

/**
 * What a domain sends through feeds lives in a table of one shape: `state` requested → in_feed →
 * accepted | rejected, back to requested (with a growing backoff) when its feed ends without a verdict;
 * `feed_id`, `attempts`, `retry_after`, `last_error`, `result_code`, `result_message`, `finished_at`.
 * These statements move the rows of any such table; the domain names its table and keeps its own rules.
 */

/**
 * Marks rows Amazon (or our own schema check) rejected, each with its code and message, finished at
 * `now` (the run's clock, as the times compared with it are).
 */
export async function rejectFeedEntities(
  tx: Tx,
  table: string,
  rejected: { id: number; code: string; message: string }[],
  from: readonly string[],
  now: Date,
): Promise<number> {
  if (rejected.length === 0) return 0;
  const result = await sql`
    UPDATE ${sql.table(table)} AS e
    SET state = 'rejected', result_code = v.code, result_message = v.message,
        finished_at = ${now}::timestamptz,
        updated_at = now()
    FROM unnest(${rejected.map((r) => r.id)}::bigint[], ${rejected.map((r) => r.code)}::text[],
                ${rejected.map((r) => r.message)}::text[]) AS v(id, code, message)
    WHERE e.id = v.id AND e.state = ANY(${[...from]}::text[])
  `.execute(tx);
  return Number(result.numAffectedRows ?? 0n);
}

/**
 * Sends the rows of a feed that ended without a verdict back to wait, with a growing backoff counted
 * from `now` (the clock that decides when they are due again, not the database's).
 */
export async function releaseFeedEntities(
  tx: Tx,
  table: string,
  feedId: number,
  ids: number[],
  reason: string,
  now: Date,
): Promise<number> {
  if (ids.length === 0) return 0;
  const result = await sql`
    UPDATE ${sql.table(table)}
    SET state = 'requested', attempts = attempts + 1, last_error = ${reason}, feed_id = NULL,
        retry_after = ${now}::timestamptz
          + LEAST(interval '5 minutes' * power(2, attempts), interval '6 hours'),
        updated_at = now()
    WHERE id = ANY(${ids}::bigint[]) AND state = 'in_feed' AND feed_id = ${feedId}
  `.execute(tx);
  return Number(result.numAffectedRows ?? 0n);
}

async function moveInFeed(tx: Tx, table: string, ids: number[], feedId: number): Promise<void> {
  await sql`
    UPDATE ${sql.table(table)}
    SET state = 'in_feed', feed_id = ${feedId}, last_error = NULL, finished_at = NULL, updated_at = now()
    WHERE id = ANY(${ids}::bigint[]) AND state = 'requested'
  `.execute(tx);
}

async function acceptFeedEntities(tx: Tx, table: string, ids: number[], now: Date): Promise<number[]> {
  if (ids.length === 0) return [];
  const result = await sql<{ id: string }>`
    UPDATE ${sql.table(table)}
    SET state = 'accepted', result_code = NULL, result_message = NULL, finished_at = ${now}::timestamptz,
        updated_at = now()
    WHERE id = ANY(${ids}::bigint[]) AND state = 'in_feed'
    RETURNING id
  `.execute(tx);
  return result.rows.map((row) => Number(row.id));
}

/**
 * The applier of such a table: accepted messages accept their rows (and `onAccepted` applies what that
 * means to the domain, in the same transaction), rejected ones carry Amazon's code and description, a
 * feed ended without a verdict sends its rows back to wait.
 */
export function entityFeedApplier(
  entityKind: string,
  table: string,
  onAccepted: (tx: Tx, ids: number[], feed: Feed) => Promise<void> = async () => undefined,
): FeedApplier {
  return {
    async applyVerdicts(tx, feed, verdicts, now) {
      const mine = verdicts.filter((v) => v.entityKind === entityKind);
      const accepted = await acceptFeedEntities(
        tx,
        table,
        mine.filter((v) => v.accepted).map((v) => v.entityId),
        now,
      );
      await onAccepted(tx, accepted, feed);
      const rejected = mine
        .filter((v) => !v.accepted)
        .map((v) => ({
          id: v.entityId,
          code: v.resultCode ?? '',
          message: v.description ?? 'rejected by Amazon',
        }));
      await rejectFeedEntities(tx, table, rejected, ['in_feed'], now);
    },
    async releaseEntities(tx, feed, entities, reason, now) {
      const ids = entities.filter((e) => e.entityKind === entityKind).map((e) => e.entityId);
      await releaseFeedEntities(tx, table, feed.id, ids, reason, now);
    },
  };
}

/** Where a kind's due rows come from, and what the feed pipeline needs to know of each. */
export interface DueFeedEntities<Entity> {
  definition: FeedKindDefinition<Entity>;
  table: string;
  /** The rows to send now, row-locked (FOR UPDATE SKIP LOCKED) in the caller's transaction. */
  lockDue(tx: Tx, now: Date): Promise<Entity[]>;
  idOf(entity: Entity): number;
  marketplaceOf(entity: Entity): string;
}

export interface StoredEntityFeeds {
  feeds: Feed[];
  /** Rows set aside because their message failed Amazon's schema: our bug, never sent. */
  invalid: number;
}

/**
 * Stores the feeds for the due rows, one per marketplace, with their MessageID → row maps, and marks the
 * rows in_feed, in one transaction: after it every row is in exactly one open feed. Messages failing the
 * XSD are rejected here and never reach Amazon.
 */
export async function storeEntityFeeds<Entity>(
  db: Db,
  owner: FeedOwner,
  source: DueFeedEntities<Entity>,
  now: Date,
): Promise<StoredEntityFeeds> {
  return db.transaction().execute(async (tx: Tx) => {
    const due = await source.lockDue(tx, now);
    if (due.length === 0) return { feeds: [], invalid: 0 };
    const failures = await schemaFailures(source.definition, owner.merchantIdentifier, due, source.idOf);
    const message = (errors: string) =>
      `sellersync built a message that fails Amazon's schema (a sellersync bug, not sent): ${errors}`;
    await rejectFeedEntities(
      tx,
      source.table,
      [...failures].map(([id, errors]) => ({ id, code: 'schema', message: message(errors) })),
      ['requested'],
      now,
    );
    const groups = new Map<string, Entity[]>();
    for (const entity of due.filter((e) => !failures.has(source.idOf(e)))) {
      const marketplace = source.marketplaceOf(entity);
      groups.set(marketplace, [...(groups.get(marketplace) ?? []), entity]);
    }
    const feeds: Feed[] = [];
    for (const group of groups.values()) {
      const prepared = await prepareFeeds(tx, source.definition, owner, group, source.marketplaceOf);
      for (const { feed, entityIds } of prepared) {
        await moveInFeed(tx, source.table, entityIds, feed.id);
        feeds.push(feed);
      }
    }
    return { feeds, invalid: failures.size };
  });
}
