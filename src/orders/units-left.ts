import type { ShippableItem } from './orders.shipping.js';

/** Units of an order line that our own work in progress has claimed. */
export interface UnitsClaimed {
  /** Held by cancellations not yet answered by Amazon. */
  beingCancelled?: number;
  /** In shipments recorded or being confirmed, not yet counted as shipped. */
  beingShipped?: number;
}

type LineCounts = Pick<ShippableItem, 'quantityOrdered' | 'quantityShipped' | 'quantityCancelled'>;

/**
 * Units of an order line still free to ship or cancel: ordered − shipped − cancelled − being cancelled −
 * being shipped. Negative when the claims overlap (a line overbooked); callers showing it clamp at 0.
 */
export function unitsLeft(item: LineCounts, claimed: UnitsClaimed = {}): number {
  return (
    item.quantityOrdered -
    item.quantityShipped -
    item.quantityCancelled -
    (claimed.beingCancelled ?? 0) -
    (claimed.beingShipped ?? 0)
  );
}
