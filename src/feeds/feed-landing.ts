import { isAmazonError } from '../amazon/errors.js';
import { attemptStart } from './feed-search.js';
import type { Feed } from './feeds.repository.js';

/**
 * What a failed createFeed means for the feed:
 * - refused: Amazon answered with a 4xx refusal of the request itself; no feed was created and resending
 *   the same request cannot help, so the entities go back to wait for a later feed.
 * - not-created: Amazon answered without acting (throttled, the token or the grant refused): the feed is
 *   sent again later, as it is.
 * - unknown: anything else (a timeout, a reset, a 5xx, an exception of ours after the request left):
 *   the request may have reached Amazon and may still land; nothing is sent again before the horizon.
 */
export type CreateFeedFailure = 'refused' | 'not-created' | 'unknown';

export function classifyCreateFeedFailure(err: unknown): CreateFeedFailure {
  if (!isAmazonError(err)) return 'unknown';
  if (err.kind === 'throttled' || err.kind === 'token_expired' || err.kind === 'authorization_revoked') {
    return 'not-created';
  }
  const status = err.status;
  const fromAmazon = status !== undefined && status >= 400 && status < 500;
  if (fromAmazon && (err.kind === 'invalid_request' || err.kind === 'not_found')) return 'refused';
  return 'unknown';
}

/**
 * A feed in `submitting` whose createFeed may still land at Amazon: until `submit_started_at` plus the
 * landing horizon nothing of its kind is submitted; after it, getFeeds is searched over the whole
 * window, and only when that finds nothing is createFeed called again.
 */
export function landingHorizonEnd(feed: Feed, horizonMs: number): Date {
  return new Date(attemptStart(feed) + horizonMs);
}

export function mayStillLand(feed: Feed, horizonMs: number, now: Date): boolean {
  return feed.state === 'submitting' && now < landingHorizonEnd(feed, horizonMs);
}
