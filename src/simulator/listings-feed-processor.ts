import { z } from 'zod';
import {
  defaultQuantityOf,
  ListingValueError,
  listingPatchSchema,
  quantityFromPatches,
  updateListing,
} from './listing-store.js';
import type { SimFeed } from './records.js';
import type { Simulation } from './simulation.js';

/**
 * JSON_LISTINGS_FEED (listings-feed-schema-v2): each message changes one SKU's listing, as the
 * Listings Items API would; the processing report (listings-feed-processing-report-schema-v2) names
 * the issues per messageId and counts the messages accepted and invalid.
 */

export const LISTINGS_FEED_TYPE = 'JSON_LISTINGS_FEED';

const messageSchema = z
  .object({
    messageId: z.number().int().min(1),
    sku: z.string().min(1).max(40),
    operationType: z.enum(['UPDATE', 'PARTIAL_UPDATE', 'PATCH', 'DELETE']),
    productType: z.string().min(1).optional(),
    patches: z.array(listingPatchSchema).min(1).optional(),
    attributes: z.record(z.string(), z.unknown()).optional(),
  })
  .loose();

const feedSchema = z.object({
  header: z.object({ sellerId: z.string().min(1), version: z.literal('2.0') }).loose(),
  messages: z.array(z.unknown()).min(1).max(25_000),
});

/** Whether the document is a listings feed at all (its messages are checked one by one). */
export function validateListingsFeed(content: string): { valid: boolean; errors: string[] } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(content);
  } catch (err) {
    return { valid: false, errors: [`The JSON you submitted is not well formed: ${(err as Error).message}`] };
  }
  const result = feedSchema.safeParse(parsed);
  if (result.success) return { valid: true, errors: [] };
  return {
    valid: false,
    errors: result.error.issues.map((issue) => `${issue.path.join('.') || 'document'}: ${issue.message}`),
  };
}

interface ListingIssue {
  messageId: number;
  sku?: string;
  code: string;
  severity: 'ERROR' | 'WARNING';
  message: string;
}

function applyMessage(sim: Simulation, feed: SimFeed, raw: unknown, index: number): ListingIssue | null {
  const parsed = messageSchema.safeParse(raw);
  const messageId = parsed.success ? parsed.data.messageId : index + 1;
  if (!parsed.success) {
    return {
      messageId,
      code: '4000001',
      severity: 'ERROR',
      message: 'The message does not match the schema.',
    };
  }
  const message = parsed.data;
  const fail = (code: string, text: string): ListingIssue => ({
    messageId,
    sku: message.sku,
    code,
    severity: 'ERROR',
    message: text,
  });
  if (sim.faults.takeSticky('listing-invalid')) {
    return fail('90220', "'[fulfillment_availability]' could not be updated for this SKU.");
  }
  const change = {
    sellerId: feed.sellerId,
    sku: message.sku,
    marketplaceIds: feed.marketplaceIds,
    productType: message.productType ?? 'PRODUCT',
  };
  if (message.operationType === 'DELETE') {
    sim.store.listings.delete(`${feed.sellerId}/${message.sku}`);
    return null;
  }
  if (message.productType === undefined) return fail('4000002', "'productType' is required.");
  try {
    if (message.operationType === 'PATCH') {
      if (!message.patches) return fail('4000002', "'patches' is required for PATCH.");
      updateListing(sim, change, quantityFromPatches(message.patches));
    } else {
      updateListing(sim, change, defaultQuantityOf(message.attributes?.fulfillment_availability ?? []));
    }
  } catch (err) {
    if (err instanceof ListingValueError) return fail('99022', err.message);
    throw err;
  }
  return null;
}

/** Applies every message and writes the JSON processing report. */
export function applyListingsFeed(sim: Simulation, feed: SimFeed): string {
  const { messages } = JSON.parse(feed.content) as { messages: unknown[] };
  const issues = messages
    .map((raw, index) => applyMessage(sim, feed, raw, index))
    .filter((issue): issue is ListingIssue => issue !== null);
  const invalid = new Set(issues.filter((i) => i.severity === 'ERROR').map((i) => i.messageId)).size;
  return JSON.stringify({
    header: { sellerId: feed.sellerId, version: '2.0', feedId: feed.feedId },
    issues,
    summary: {
      errors: issues.filter((i) => i.severity === 'ERROR').length,
      warnings: issues.filter((i) => i.severity === 'WARNING').length,
      messagesProcessed: messages.length,
      messagesAccepted: messages.length - invalid,
      messagesInvalid: invalid,
    },
  });
}
