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
import type { Simulation } from '../simulation.js';

/** Listings Items 2021-08-01 patchListingsItem: records the fulfillment-availability quantity of a SKU. */

const patchSchema = z.object({
  productType: z.string().min(1),
  patches: z
    .array(
      z.object({
        op: z.enum(['add', 'replace', 'merge', 'delete']),
        path: z.string().min(1),
        value: z.array(z.unknown()).optional(),
      }),
    )
    .min(1),
});

const availabilitySchema = z.array(
  z
    .object({ fulfillment_channel_code: z.string().optional(), quantity: z.number().int().min(0).optional() })
    .loose(),
);

function quantityFrom(patches: z.infer<typeof patchSchema>['patches']): number | null | undefined {
  let quantity: number | null | undefined;
  for (const patch of patches) {
    if (patch.path !== '/attributes/fulfillment_availability') continue;
    if (patch.op === 'delete') {
      quantity = null;
      continue;
    }
    const parsed = availabilitySchema.safeParse(patch.value);
    if (!parsed.success) throw invalidInput('Invalid value for /attributes/fulfillment_availability.');
    const entry = parsed.data.find((value) => (value.fulfillment_channel_code ?? 'DEFAULT') === 'DEFAULT');
    if (entry?.quantity !== undefined) quantity = entry.quantity;
  }
  return quantity;
}

function patchListingsItem(sim: Simulation, request: SimRequest) {
  const now = sim.now();
  const sellerId = request.params.sellerId ?? '';
  const sku = request.params.sku ?? '';
  if (sellerId !== request.sellerId)
    throw new ApiError(403, 'Unauthorized', 'Access to requested resource is denied.', '');
  const marketplaceIds = queryList(request.query, 'marketplaceIds');
  if (marketplaceIds.length === 0) throw invalidInput("Missing required parameter 'marketplaceIds'.");
  const body = parseBody(request, patchSchema);
  const quantity = quantityFrom(body.patches);
  const key = `${sellerId}/${sku}`;
  const listing = sim.store.listings.get(key) ?? {
    sellerId,
    sku,
    marketplaceIds,
    productType: body.productType,
    quantity: null,
    updatedTime: now,
    submissions: 0,
  };
  if (quantity !== undefined) listing.quantity = quantity;
  listing.productType = body.productType;
  listing.updatedTime = now;
  listing.submissions += 1;
  sim.store.listings.set(key, listing);
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
