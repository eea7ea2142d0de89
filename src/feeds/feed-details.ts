import type { Db } from '../db/client.js';
import { NotFoundError } from '../shared/errors.js';
import { findFeed, listFeedMessages, type Feed } from './feeds.repository.js';

export interface FeedMessageResult {
  messageId: number;
  entityKind: string;
  entityId: number;
  result: string | null;
  resultCode: string | null;
  resultDescription: string | null;
}

/** One feed of a company with Amazon's result for each of its messages (`feeds show`, the admin API). */
export async function showFeed(
  db: Db,
  companyId: number,
  feedId: number,
): Promise<Feed & { messages: FeedMessageResult[] }> {
  const feed = await findFeed(db, feedId);
  if (!feed || feed.companyId !== companyId)
    throw new NotFoundError(`feed ${feedId} not found for company ${companyId}`);
  const messages = (await listFeedMessages(db, feedId)).map((m) => ({
    messageId: m.message_id,
    entityKind: m.entity_kind,
    entityId: m.entity_id,
    result: m.result,
    resultCode: m.result_code,
    resultDescription: m.result_description,
  }));
  return { ...feed, messages };
}
