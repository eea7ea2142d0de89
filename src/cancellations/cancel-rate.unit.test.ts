import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CANCEL_REASONS } from './cancel-reasons.js';
import { countsAgainstCancelRate, describeCancelRate, projectCancelRate } from './cancel-rate.js';

const input = fc.record({
  ordersInWindow: fc.integer({ min: 0, max: 100_000 }),
  cancelledOrders: fc.integer({ min: 0, max: 100_000 }),
  addsOrder: fc.boolean(),
  orderInWindow: fc.boolean(),
});

describe('the projected pre-fulfilment cancel rate', () => {
  it('is cancelled orders over orders, 40 orders with one cancelled being 2.5 %', () => {
    const rate = projectCancelRate({
      ordersInWindow: 40,
      cancelledOrders: 0,
      addsOrder: true,
      orderInWindow: true,
    });
    expect(rate).toMatchObject({ rate: 0.025, cancelledOrders: 1, orders: 40, aboveThreshold: false });
    const above = projectCancelRate({
      ordersInWindow: 40,
      cancelledOrders: 1,
      addsOrder: true,
      orderInWindow: true,
    });
    expect(above).toMatchObject({ cancelledOrders: 2, aboveThreshold: true });
    expect(describeCancelRate(above)).toBe(
      "projected pre-fulfilment cancel rate (7 days): 5.00 % (2 of 40 orders; Amazon's target is below 2.50 %)",
    );
  });

  it('stays between 0 and 1, never counts more cancelled orders than orders, and is 0 without orders', () => {
    fc.assert(
      fc.property(input, (given) => {
        const { rate, cancelledOrders, orders } = projectCancelRate(given);
        expect(rate).toBeGreaterThanOrEqual(0);
        expect(rate).toBeLessThanOrEqual(1);
        expect(cancelledOrders).toBeLessThanOrEqual(orders);
        if (orders === 0) expect(rate).toBe(0);
      }),
    );
  });

  it('rises by one order exactly when the cancellation counts and its order is in the window', () => {
    fc.assert(
      fc.property(input, (given) => {
        const base = { ...given, cancelledOrders: Math.min(given.cancelledOrders, given.ordersInWindow - 1) };
        fc.pre(base.cancelledOrders >= 0);
        const without = projectCancelRate({ ...base, addsOrder: false });
        const projected = projectCancelRate(base);
        const adds = base.addsOrder && base.orderInWindow ? 1 : 0;
        expect(projected.cancelledOrders).toBe(without.cancelledOrders + adds);
        expect(projected.rate >= without.rate).toBe(true);
      }),
    );
  });

  it('does not count BuyerCanceled for a buyer request, and counts every other case', () => {
    for (const reason of CANCEL_REASONS) {
      expect(countsAgainstCancelRate(reason, false)).toBe(true);
      expect(countsAgainstCancelRate(reason, true)).toBe(reason !== 'BuyerCanceled');
    }
  });
});
