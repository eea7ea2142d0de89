import type { ColumnType, Generated, Insertable, Selectable, Updateable } from 'kysely';
import type { FeedKind, FeedState } from './feed-states.js';

type Defaulted<T> = ColumnType<T, T | undefined, T>;

export interface FeedSummary {
  messagesProcessed: number | null;
  messagesSuccessful: number | null;
  messagesWithError: number | null;
  messagesWithWarning: number | null;
}

export interface FeedsTable {
  id: Generated<number>;
  company_id: number;
  kind: FeedKind;
  feed_type: string;
  marketplace_ids: string[];
  state: Defaulted<FeedState>;
  /** The document as sent; feeds never hold buyer data. */
  content: string;
  content_type: string;
  message_count: number;
  document_id: string | null;
  /** When createFeed was first attempted: the lower bound of the getFeeds search after a crash. */
  submit_started_at: Date | null;
  /** Amazon's clock at that attempt (null when no Amazon response told it): the search matches on it. */
  submit_started_amazon_at: Date | null;
  amazon_feed_id: string | null;
  amazon_status: string | null;
  result_document_id: string | null;
  follow_attempts: Defaulted<number>;
  next_check_at: Date | null;
  summary: ColumnType<FeedSummary | null, string | null | undefined, string | null>;
  error: string | null;
  created_at: ColumnType<Date, never, never>;
  updated_at: Defaulted<Date>;
  finished_at: Date | null;
}

export const MESSAGE_RESULTS = ['accepted', 'rejected', 'released'] as const;
export type MessageResult = (typeof MESSAGE_RESULTS)[number];

export interface FeedMessagesTable {
  feed_id: number;
  message_id: number;
  entity_kind: string;
  entity_id: number;
  result: MessageResult | null;
  result_code: string | null;
  result_description: string | null;
}

export type FeedRow = Selectable<FeedsTable>;
export type NewFeedRow = Insertable<FeedsTable>;
export type FeedRowUpdate = Updateable<FeedsTable>;
export type FeedMessageRow = Selectable<FeedMessagesTable>;
