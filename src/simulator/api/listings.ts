import { z } from 'zod';
import {
  ApiError,
  invalidInput,
  json,
  parseBody,
  queryList,
  route,
  type Route,
  type SimRequest,
} from '../http.js';
import {
  ListingValueError,
  listingPatchSchema,
  quantityFromPatches,
  updateListing,
  type ListingPatch,
} from '../listing-store.js';
import type { Simulation } from '../simulation.js';

/** Listings Items 2021-08-01 patchListingsItem: records the fulfillment-availability quantity of a SKU. */

const patchSchema = z.object({
  productType: z.string().min(1),
  patches: z.array(listingPatchSchema).min(1),
});

function quantityFrom(patches: ListingPatch[]): number | null | undefined {
  try {
    return quantityFromPatches(patches);
  } catch (err) {
    if (err instanceof ListingValueError) throw invalidInput(err.message);
    throw err;
  }
}

function patchListingsItem(sim: Simulation, request: SimRequest) {
  sim.now();
  const sellerId = request.params.sellerId ?? '';
  const sku = request.params.sku ?? '';
  if (sellerId !== request.sellerId)
    throw new ApiError(403, 'Unauthorized', 'Access to requested resource is denied.', '');
  const marketplaceIds = queryList(request.query, 'marketplaceIds');
  if (marketplaceIds.length === 0) throw invalidInput("Missing required parameter 'marketplaceIds'.");
  const body = parseBody(request, patchSchema);
  const quantity = quantityFrom(body.patches);
  updateListing(sim, { sellerId, sku, marketplaceIds, productType: body.productType }, quantity);
  const submissionId = `${sim.store.newDocumentId().slice(19, 51)}`;
  return json(200, { sku, status: 'ACCEPTED', submissionId, issues: [] });
}

export const listingRoutes: Route[] = [
  route(
    'PATCH',
    '/listings/2021-08-01/items/{sellerId}/{sku}',
    'sp-api',
    'patchListingsItem',
    patchListingsItem,
  ),
];
