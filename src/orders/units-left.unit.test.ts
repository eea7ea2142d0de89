import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { unitsLeft } from './units-left.js';

const count = fc.nat({ max: 50 });
const line = fc.record({ quantityOrdered: count, quantityShipped: count, quantityCancelled: count });
const claims = fc.record({ beingCancelled: count, beingShipped: count });

describe('the units left on an order line', () => {
  it('are what was ordered less what is shipped, cancelled, being cancelled and being shipped', () => {
    fc.assert(
      fc.property(line, claims, (item, claimed) => {
        const left = unitsLeft(item, claimed);
        expect(
          left +
            item.quantityShipped +
            item.quantityCancelled +
            claimed.beingCancelled +
            claimed.beingShipped,
        ).toBe(item.quantityOrdered);
        expect(unitsLeft(item)).toBeGreaterThanOrEqual(left);
      }),
    );
  });

  it('go down by exactly the units a shipment or a cancellation claims, whichever claims them', () => {
    fc.assert(
      fc.property(line, claims, count, (item, claimed, more) => {
        const before = unitsLeft(item, claimed);
        expect(unitsLeft(item, { ...claimed, beingShipped: claimed.beingShipped + more })).toBe(
          before - more,
        );
        expect(unitsLeft(item, { ...claimed, beingCancelled: claimed.beingCancelled + more })).toBe(
          before - more,
        );
      }),
    );
  });

  it('of a line fully shipped and cancelled are none, whatever was ordered', () => {
    expect(unitsLeft({ quantityOrdered: 3, quantityShipped: 2, quantityCancelled: 1 })).toBe(0);
    expect(
      unitsLeft(
        { quantityOrdered: 3, quantityShipped: 1, quantityCancelled: 0 },
        { beingCancelled: 1, beingShipped: 1 },
      ),
    ).toBe(0);
  });
});
