import { isAmazonError } from '../amazon/errors.js';
import type { Company } from '../companies/companies.service.js';
import type { FeedPipeline } from '../feeds/feed-pipeline.js';
import { submitOpenFeeds } from '../feeds/feed-submit.js';
import {
  LISTINGS_FEED_THRESHOLD,
  listingsZeroingFeedKind,
  MAX_ZEROING_ATTEMPTS,
  storeZeroingFeeds,
} from './listings-feed.js';
import { ZERO_QUANTITY_PATCH } from './zero-quantity.js';
import {
  listZeroings,
  recordZeroingAnswer,
  recordZeroingFailure,
  type InventoryZeroing,
} from './zeroings.repository.js';

export { ZERO_QUANTITY_PATCH };

export interface ZeroingOutcome {
  /** SKUs sent to Amazon this run, by patchListingsItem or in a listings feed. */
  sent: number;
  accepted: number;
  invalid: number;
  /** Listings feeds submitted this run (new ones and interrupted ones resumed). */
  feeds: number;
}

/** One patchListingsItem per SKU through the gateway's rate limiter, recording Amazon's answer. */
async function patchEach(pipeline: FeedPipeline, company: Company, pending: InventoryZeroing[]) {
  let accepted = 0;
  let invalid = 0;
  for (const zeroing of pending) {
    try {
      const answer = await pipeline.amazon.patchListingsItem(
        company.sellerId,
        zeroing.sku,
        [zeroing.marketplaceId],
        ZERO_QUANTITY_PATCH,
      );
      const state = answer.status === 'INVALID' ? 'invalid' : 'accepted';
      await recordZeroingAnswer(pipeline.db, zeroing.id, {
        state,
        submissionId: answer.submissionId,
        issues: answer.issues ?? [],
      });
      if (state === 'accepted') accepted++;
      else {
        invalid++;
        pipeline.logger.warn({ sku: zeroing.sku, issues: answer.issues }, 'Amazon refused to zero the SKU');
      }
    } catch (err) {
      if (isAmazonError(err, 'throttled') || isAmazonError(err, 'authorization_revoked')) throw err;
      await recordZeroingFailure(pipeline.db, zeroing.id, (err as Error).message, MAX_ZEROING_ATTEMPTS);
      pipeline.logger.warn({ sku: zeroing.sku, err }, 'zeroing the SKU failed; tried again next run');
    }
  }
  return { accepted, invalid };
}

/**
 * Sends every pending zeroing of the company. Up to LISTINGS_FEED_THRESHOLD SKUs go one
 * patchListingsItem each; more go as JSON_LISTINGS_FEEDs through the feed pipeline (stored before they
 * are sent, exactly once), whose processing report the follow-up job applies per SKU. Listings feeds an
 * earlier run left unsubmitted are finished first; while one may still land, no new one is sent.
 */
export async function zeroPendingInventory(
  pipeline: FeedPipeline,
  company: Company,
  now: Date,
): Promise<ZeroingOutcome> {
  const kind = listingsZeroingFeedKind.kind;
  const resumed = await submitOpenFeeds(pipeline, company.id, kind, now);
  const pending = (await listZeroings(pipeline.db, company.id, { states: ['pending'] })).reverse();
  if (pending.length <= LISTINGS_FEED_THRESHOLD) {
    const { accepted, invalid } = await patchEach(pipeline, company, pending);
    return { sent: pending.length, accepted, invalid, feeds: resumed.submitted.length };
  }
  if (resumed.awaitingLanding) {
    pipeline.logger.warn(
      { feedId: resumed.awaitingLanding.feedId, until: resumed.awaitingLanding.until },
      'a listings feed may still land at Amazon; the SKUs to zero wait for its landing horizon',
    );
    return { sent: 0, accepted: 0, invalid: 0, feeds: resumed.submitted.length };
  }
  const stored = await storeZeroingFeeds(pipeline.db, company);
  const submitted = (await submitOpenFeeds(pipeline, company.id, kind, now)).submitted;
  const sent = stored.reduce((sum, feed) => sum + feed.messageCount, 0);
  pipeline.logger.info({ skus: sent, feeds: stored.length }, 'SKUs to zero sent as listings feeds');
  return { sent, accepted: 0, invalid: 0, feeds: resumed.submitted.length + submitted.length };
}
