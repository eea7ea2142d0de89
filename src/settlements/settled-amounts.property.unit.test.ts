import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatMoney } from '../shared/money.js';
import { chargedFor, COMPARED, compareSettledItem } from './settled-amounts.js';

const cents = fc.bigInt({ min: 0n, max: 10_000_000n }).map((units) => formatMoney(units, 'USD'));
const item = fc
  .record({
    quantityOrdered: fc.integer({ min: 1, max: 20 }),
    itemPrice: cents,
    itemTax: cents,
    shippingPrice: cents,
    shippingTax: cents,
    shippedShare: fc.double({ min: 0, max: 1, noNaN: true }),
  })
  .map(({ shippedShare, ...rest }) => ({
    ...rest,
    orderItemId: '60000000001',
    quantityShipped: Math.max(1, Math.round(rest.quantityOrdered * shippedShare)),
  }));
const settledOf = (amounts: ReturnType<typeof chargedFor>, units: number | null) => ({
  amazonOrderId: '111-0000001-0000001',
  orderItemCode: '60000000001',
  settled: amounts,
  units,
});

describe('settled amounts against the order', () => {
  it('what the order says for the units shipped, settled for all of them, is never flagged', () => {
    fc.assert(
      fc.property(item, fc.boolean(), (charged, taxInclusive) => {
        const settled = settledOf(chargedFor(charged, 'USD', taxInclusive), charged.quantityShipped);
        expect(compareSettledItem(settled, charged, 'USD', taxInclusive)).toEqual({ kind: 'same' });
      }),
    );
  });

  it('an item not settled for every unit shipped is never compared, whatever the amounts', () => {
    fc.assert(
      fc.property(item, fc.bigInt({ min: -10_000n, max: 10_000n }), fc.nat(), (charged, delta, seed) => {
        const units = seed % charged.quantityShipped;
        const amounts = chargedFor(charged, 'USD', false);
        const settled = settledOf({ ...amounts, Principal: amounts.Principal + delta }, units);
        expect(compareSettledItem(settled, charged, 'USD', false).kind).toBe('waiting');
      }),
    );
  });

  it('a component settled for any other amount, by a cent or more, is flagged with both amounts', () => {
    fc.assert(
      fc.property(
        item,
        fc.constantFrom(...COMPARED),
        fc.bigInt({ min: -10_000n, max: 10_000n }).filter((delta) => delta !== 0n),
        (charged, component, delta) => {
          const order = chargedFor(charged, 'USD', false);
          const settled = { ...order, [component]: order[component] + delta };
          expect(
            compareSettledItem(settledOf(settled, charged.quantityShipped), charged, 'USD', false),
          ).toEqual({
            kind: 'differs',
            settled,
            order,
            components: [component],
          });
        },
      ),
    );
  });
});
