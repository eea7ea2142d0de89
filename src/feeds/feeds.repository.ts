import { sql } from 'kysely';
import type { Db, Tx } from '../db/client.js';
import type { FeedDocument } from './feed-envelope.js';
import type { FeedKind } from './feed-states.js';
import { statesLeadingTo, XML_CONTENT_TYPE, type FeedState } from './feed-states.js';
import type { FeedMessageRow, FeedRow, FeedRowUpdate, FeedSummary } from './feeds.table.js';

/** A feed as the pipeline sees it (without its document, which is read only to upload it). */
export interface Feed {
  id: number;
  companyId: number;
  kind: FeedKind;
  feedType: string;
  marketplaceIds: string[];
  state: FeedState;
  messageCount: number;
  documentId: string | null;
  submitStartedAt: Date | null;
  submitStartedAmazonAt: Date | null;
  amazonFeedId: string | null;
  amazonStatus: string | null;
  resultDocumentId: string | null;
  followAttempts: number;
  nextCheckAt: Date | null;
  summary: FeedSummary | null;
  error: string | null;
  createdAt: Date;
  finishedAt: Date | null;
}

const FEED_COLUMNS = [
  'id',
  'company_id',
  'kind',
  'feed_type',
  'marketplace_ids',
  'state',
  'message_count',
  'document_id',
  'submit_started_at',
  'submit_started_amazon_at',
  'amazon_feed_id',
  'amazon_status',
  'result_document_id',
  'follow_attempts',
  'next_check_at',
  'summary',
  'error',
  'created_at',
  'finished_at',
] as const;

type FeedColumns = Pick<FeedRow, (typeof FEED_COLUMNS)[number]>;

function toFeed(row: FeedColumns): Feed {
  return {
    id: row.id,
    companyId: row.company_id,
    kind: row.kind,
    feedType: row.feed_type,
    marketplaceIds: row.marketplace_ids,
    state: row.state,
    messageCount: row.message_count,
    documentId: row.document_id,
    submitStartedAt: row.submit_started_at,
    submitStartedAmazonAt: row.submit_started_amazon_at,
    amazonFeedId: row.amazon_feed_id,
    amazonStatus: row.amazon_status,
    resultDocumentId: row.result_document_id,
    followAttempts: row.follow_attempts,
    nextCheckAt: row.next_check_at,
    summary: row.summary,
    error: row.error,
    createdAt: row.created_at,
    finishedAt: row.finished_at,
  };
}

export interface NewFeed {
  companyId: number;
  kind: FeedKind;
  feedType: string;
  marketplaceIds: string[];
  document: FeedDocument;
  /** The document's content type; XML unless the kind sends another format (JSON listings feeds). */
  contentType?: string;
}

const MESSAGE_INSERT_CHUNK = 5000;

/** Stores a feed with its document and MessageID → entity map, before anything is sent to Amazon. */
export async function insertFeed(tx: Tx, feed: NewFeed): Promise<Feed> {
  const row = await tx
    .insertInto('feeds')
    .values({
      company_id: feed.companyId,
      kind: feed.kind,
      feed_type: feed.feedType,
      marketplace_ids: feed.marketplaceIds,
      content: feed.document.content,
      content_type: feed.contentType ?? XML_CONTENT_TYPE,
      message_count: feed.document.messages.length,
    })
    .returning(FEED_COLUMNS)
    .executeTakeFirstOrThrow();
  const messages = feed.document.messages;
  for (let start = 0; start < messages.length; start += MESSAGE_INSERT_CHUNK) {
    await tx
      .insertInto('feed_messages')
      .values(
        messages.slice(start, start + MESSAGE_INSERT_CHUNK).map((message) => ({
          feed_id: row.id,
          message_id: message.messageId,
          entity_kind: message.entityKind,
          entity_id: message.entityId,
        })),
      )
      .execute();
  }
  return toFeed(row);
}

export async function findFeed(db: Db | Tx, id: number): Promise<Feed | undefined> {
  const row = await db.selectFrom('feeds').select(FEED_COLUMNS).where('id', '=', id).executeTakeFirst();
  return row ? toFeed(row) : undefined;
}

export async function readFeedContent(db: Db, id: number): Promise<{ content: string; contentType: string }> {
  const row = await db
    .selectFrom('feeds')
    .select(['content', 'content_type'])
    .where('id', '=', id)
    .executeTakeFirstOrThrow();
  return { content: row.content, contentType: row.content_type };
}

export async function listFeeds(
  db: Db,
  companyId: number,
  filter: { kind?: FeedKind; states?: readonly FeedState[]; limit?: number; newestFirst?: boolean } = {},
): Promise<Feed[]> {
  let query = db.selectFrom('feeds').select(FEED_COLUMNS).where('company_id', '=', companyId);
  if (filter.kind) query = query.where('kind', '=', filter.kind);
  if (filter.states) query = query.where('state', 'in', [...filter.states]);
  const rows = await query
    .orderBy('id', filter.newestFirst ? 'desc' : 'asc')
    .limit(filter.limit ?? 1000)
    .execute();
  return rows.map(toFeed);
}

/** Amazon feed ids already recorded for the company, to leave them out of a getFeeds match. */
export async function knownAmazonFeedIds(
  db: Db,
  companyId: number,
  amazonFeedIds: string[],
): Promise<Set<string>> {
  if (amazonFeedIds.length === 0) return new Set();
  const rows = await db
    .selectFrom('feeds')
    .select('amazon_feed_id')
    .where('company_id', '=', companyId)
    .where('amazon_feed_id', 'in', amazonFeedIds)
    .execute();
  return new Set(rows.map((row) => row.amazon_feed_id).filter((id): id is string => id !== null));
}

type FeedChanges = Omit<FeedRowUpdate, 'id' | 'company_id' | 'kind' | 'created_at' | 'state'>;

/**
 * Moves a feed to `to` only from a state allowed by the transition table; returns undefined when the
 * feed was not in such a state (another process moved it first).
 */
export async function moveFeed(
  db: Db | Tx,
  id: number,
  to: FeedState,
  changes: FeedChanges = {},
): Promise<Feed | undefined> {
  const finished = ['done', 'cancelled', 'fatal', 'refused'].includes(to);
  const row = await db
    .updateTable('feeds')
    .set({ ...changes, state: to, updated_at: new Date(), ...(finished ? { finished_at: new Date() } : {}) })
    .where('id', '=', id)
    .where('state', 'in', statesLeadingTo(to))
    .returning(FEED_COLUMNS)
    .executeTakeFirst();
  return row ? toFeed(row) : undefined;
}

/**
 * Starts a new createFeed attempt for a feed whose earlier attempt is known not to have landed (the
 * horizon passed and getFeeds did not find it). Guarded by the previous attempt's start, so two runs
 * never both resend it; undefined when another run moved first.
 */
export async function restartSubmission(
  db: Db,
  id: number,
  previousStart: Date | null,
  started: { at: Date; amazonAt: Date | null },
): Promise<Feed | undefined> {
  let query = db
    .updateTable('feeds')
    .set({
      submit_started_at: started.at,
      submit_started_amazon_at: started.amazonAt,
      updated_at: new Date(),
    })
    .where('id', '=', id)
    .where('state', '=', 'submitting');
  query = previousStart
    ? query.where('submit_started_at', '=', previousStart)
    : query.where('submit_started_at', 'is', null);
  const row = await query.returning(FEED_COLUMNS).executeTakeFirst();
  return row ? toFeed(row) : undefined;
}

/** Records what a look at Amazon found for a feed still being processed. */
export async function updateSubmittedFeed(db: Db, id: number, changes: FeedChanges): Promise<void> {
  await db
    .updateTable('feeds')
    .set({ ...changes, updated_at: new Date() })
    .where('id', '=', id)
    .where('state', '=', 'submitted')
    .execute();
}

/** Locks a feed row for the transaction that closes it, so two follow-ups never both apply its report. */
export async function lockFeed(tx: Tx, id: number): Promise<Feed | undefined> {
  const row = await tx
    .selectFrom('feeds')
    .select(FEED_COLUMNS)
    .where('id', '=', id)
    .forUpdate()
    .executeTakeFirst();
  return row ? toFeed(row) : undefined;
}

export async function listFeedMessages(db: Db | Tx, feedId: number): Promise<FeedMessageRow[]> {
  return db
    .selectFrom('feed_messages')
    .selectAll()
    .where('feed_id', '=', feedId)
    .orderBy('message_id')
    .execute();
}

export interface MessageOutcomeRow {
  messageId: number;
  result: 'accepted' | 'rejected' | 'released';
  resultCode: string | null;
  resultDescription: string | null;
}

/** Records each message's outcome in one statement. */
export async function recordMessageOutcomes(
  tx: Tx,
  feedId: number,
  outcomes: MessageOutcomeRow[],
): Promise<void> {
  if (outcomes.length === 0) return;
  await sql`
    UPDATE feed_messages AS m
    SET result = v.result, result_code = v.code, result_description = v.description
    FROM unnest(
      ${outcomes.map((o) => o.messageId)}::int[],
      ${outcomes.map((o) => o.result)}::text[],
      ${outcomes.map((o) => o.resultCode)}::text[],
      ${outcomes.map((o) => o.resultDescription)}::text[]
    ) AS v(message_id, result, code, description)
    WHERE m.feed_id = ${feedId} AND m.message_id = v.message_id
  `.execute(tx);
}

/** How many feed messages Amazon answered, per feed kind and result (null: not answered yet). */
export async function countMessageResults(
  db: Db,
): Promise<{ kind: FeedKind; result: string | null; count: number }[]> {
  const rows = await db
    .selectFrom('feed_messages')
    .innerJoin('feeds', 'feeds.id', 'feed_messages.feed_id')
    .select(['feeds.kind', 'feed_messages.result', (eb) => eb.fn.countAll<string>().as('count')])
    .groupBy(['feeds.kind', 'feed_messages.result'])
    .execute();
  return rows.map((row) => ({ kind: row.kind, result: row.result, count: Number(row.count) }));
}
