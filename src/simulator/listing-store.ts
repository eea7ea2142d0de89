import { z } from 'zod';
import type { SimListing } from './records.js';
import type { Simulation } from './simulation.js';

/** The seller's listings as Amazon keeps them: a fulfillment-availability quantity per SKU. */

export const listingPatchSchema = z.object({
  op: z.enum(['add', 'replace', 'merge', 'delete']),
  path: z.string().min(1),
  value: z.array(z.unknown()).optional(),
});
export type ListingPatch = z.infer<typeof listingPatchSchema>;

const availabilitySchema = z.array(
  z
    .object({ fulfillment_channel_code: z.string().optional(), quantity: z.number().int().min(0).optional() })
    .loose(),
);

export class ListingValueError extends Error {
  override name = 'ListingValueError';
}

/** The seller-fulfilled (DEFAULT) quantity an availability value sets; undefined when it sets none. */
export function defaultQuantityOf(value: unknown): number | undefined {
  const parsed = availabilitySchema.safeParse(value);
  if (!parsed.success) throw new ListingValueError('Invalid value for /attributes/fulfillment_availability.');
  const entry = parsed.data.find((v) => (v.fulfillment_channel_code ?? 'DEFAULT') === 'DEFAULT');
  return entry?.quantity;
}

/** The quantity the patches leave: a number, null when deleted, undefined when untouched. */
export function quantityFromPatches(patches: ListingPatch[]): number | null | undefined {
  let quantity: number | null | undefined;
  for (const patch of patches) {
    if (patch.path !== '/attributes/fulfillment_availability') continue;
    if (patch.op === 'delete') {
      quantity = null;
      continue;
    }
    const set = defaultQuantityOf(patch.value);
    if (set !== undefined) quantity = set;
  }
  return quantity;
}

/** Records a change of a listing (created on first change), as patchListingsItem and listings feeds do. */
export function updateListing(
  sim: Simulation,
  change: { sellerId: string; sku: string; marketplaceIds: string[]; productType: string },
  quantity: number | null | undefined,
): SimListing {
  const key = `${change.sellerId}/${change.sku}`;
  const listing = sim.store.listings.get(key) ?? {
    sellerId: change.sellerId,
    sku: change.sku,
    marketplaceIds: change.marketplaceIds,
    productType: change.productType,
    quantity: null,
    updatedTime: sim.now(),
    submissions: 0,
  };
  if (quantity !== undefined) listing.quantity = quantity;
  listing.productType = change.productType;
  listing.updatedTime = sim.now();
  listing.submissions += 1;
  sim.store.listings.set(key, listing);
  return listing;
}
