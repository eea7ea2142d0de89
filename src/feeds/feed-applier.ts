import type { Tx } from '../db/client.js';
import type { Feed } from './feeds.repository.js';

/** What one message of a feed stands for. */
export interface FeedEntity {
  messageId: number;
  entityKind: string;
  entityId: number;
}

/** Amazon's verdict on one message of a finished feed. */
export interface MessageVerdict extends FeedEntity {
  accepted: boolean;
  /** For a rejected message: Amazon's ResultMessageCode(s), e.g. "18028". */
  resultCode: string | null;
  /** Amazon's ResultDescription(s), warnings included for accepted messages. */
  description: string | null;
}

/**
 * What each feed kind does with Amazon's answer. Both methods run inside the transaction that closes
 * the feed, so the answer is applied exactly once, together with the feed's new state. `now` is the
 * run's clock: the times they record (confirmed, answered, retry after) are on it, not the database's.
 */
export interface FeedApplier {
  applyVerdicts(tx: Tx, feed: Feed, verdicts: MessageVerdict[], now: Date): Promise<void>;
  /** The feed ended without a per-message verdict (FATAL, CANCELLED, refused, rejected document). */
  releaseEntities(tx: Tx, feed: Feed, entities: FeedEntity[], reason: string, now: Date): Promise<void>;
}
