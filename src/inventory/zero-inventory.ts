import type { AmazonPort, ListingsPatch } from '../amazon/port.js';
import type { Company } from '../companies/companies.service.js';
import type { Db } from '../db/client.js';
import { isAmazonError } from '../amazon/errors.js';
import type { Logger } from '../shared/logger.js';
import { listZeroings, recordZeroingAnswer, recordZeroingFailure } from './zeroings.repository.js';

/** Failed calls for one SKU before it is reported as failed rather than tried again. */
const MAX_ATTEMPTS = 5;

/**
 * Sets the seller-fulfilled quantity to 0 (REFERENCE §6.7): a merge keeps restock date and lead time.
 * `PRODUCT` is accepted for offer-only SKUs, which is what a seller's own listing of an ASIN is.
 */
export const ZERO_QUANTITY_PATCH: { productType: string; patches: ListingsPatch[] } = {
  productType: 'PRODUCT',
  patches: [
    {
      op: 'merge',
      path: '/attributes/fulfillment_availability',
      value: [{ fulfillment_channel_code: 'DEFAULT', quantity: 0 }],
    },
  ],
};

/**
 * Sends every pending zeroing of the company with patchListingsItem, one SKU at a time through the
 * gateway's rate limiter, and records Amazon's answer (ACCEPTED, or INVALID with its issues).
 */
export async function zeroPendingInventory(
  db: Db,
  amazon: AmazonPort,
  company: Company,
  logger: Logger,
): Promise<{ sent: number; accepted: number; invalid: number }> {
  const pending = await listZeroings(db, company.id, { states: ['pending'] });
  let accepted = 0;
  let invalid = 0;
  for (const zeroing of pending.reverse()) {
    try {
      const answer = await amazon.patchListingsItem(
        company.sellerId,
        zeroing.sku,
        [zeroing.marketplaceId],
        ZERO_QUANTITY_PATCH,
      );
      const state = answer.status === 'INVALID' ? 'invalid' : 'accepted';
      await recordZeroingAnswer(db, zeroing.id, {
        state,
        submissionId: answer.submissionId,
        issues: answer.issues ?? [],
      });
      if (state === 'accepted') accepted++;
      else {
        invalid++;
        logger.warn({ sku: zeroing.sku, issues: answer.issues }, 'Amazon refused to zero the SKU');
      }
    } catch (err) {
      if (isAmazonError(err, 'throttled') || isAmazonError(err, 'authorization_revoked')) throw err;
      await recordZeroingFailure(db, zeroing.id, (err as Error).message, MAX_ATTEMPTS);
      logger.warn({ sku: zeroing.sku, err }, 'zeroing the SKU failed; tried again next run');
    }
  }
  return { sent: pending.length, accepted, invalid };
}
