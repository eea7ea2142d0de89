import type { ListingsPatch } from '../amazon/port.js';

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
