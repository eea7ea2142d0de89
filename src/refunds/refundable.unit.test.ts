import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { UsageError } from '../shared/errors.js';
import type { AdjustmentComponent } from './adjustment-codes.js';
import { refundPaymentStatus } from './payment-status.js';
import {
  checkRefund,
  fullRefundLines,
  orderBalance,
  type ChargedLine,
  type CountedRefund,
  type RequestedLine,
} from './refundable.js';
import { chargedLine } from './refundable.test-support.js';

const US = { currency: 'USD', taxInclusive: false };

const line = chargedLine;

const lineArb = fc
  .tuple(
    fc.bigInt({ min: 0n, max: 100_000n }),
    fc.bigInt({ min: 0n, max: 10_000n }),
    fc.bigInt({ min: 0n, max: 2_000n }),
  )
  .map(([p, t, s]) => [p, t, s] as const);
const componentArb = fc.constantFrom<AdjustmentComponent>('Principal', 'Tax', 'Shipping', 'Goodwill');
const requestArb = fc.array(
  fc.record({
    item: fc.integer({ min: 0, max: 2 }),
    component: componentArb,
    amount: fc.bigInt({ min: 1n, max: 60_000n }),
  }),
  { maxLength: 4 },
);

/** Applies refund requests one after the other as the service does, keeping those the rules allow. */
function applyAll(
  lines: ChargedLine[],
  requests: { item: number; component: AdjustmentComponent; amount: bigint }[][],
) {
  const counted: CountedRefund[] = [];
  for (const request of requests) {
    const asked: RequestedLine[] = request.map((r) => ({
      orderItemId: lines[r.item % lines.length]!.orderItemId,
      component: r.component,
      amount: r.amount,
    }));
    try {
      checkRefund(orderBalance(lines, counted), asked, US);
      counted.push(...asked.map((a) => ({ ...a, inFlight: false, byAmazon: false })));
    } catch (err) {
      if (!(err instanceof UsageError)) throw err;
    }
  }
  return counted;
}

describe('what is left to refund', () => {
  it('never lets refunds exceed any charged component, nor the order, whatever is asked in whatever order', () => {
    fc.assert(
      fc.property(
        fc.array(lineArb, { minLength: 1, maxLength: 3 }),
        fc.array(requestArb, { maxLength: 8 }),
        (charges, requests) => {
          const lines = charges.map(([p, t, s], i) => line(`item${i}`, p, t, s));
          const counted = applyAll(lines, requests);
          const balance = orderBalance(lines, counted);
          for (const l of lines) {
            for (const c of ['Principal', 'Tax', 'Shipping'] as const) {
              const refunded = counted
                .filter((r) => r.orderItemId === l.orderItemId && r.component === c)
                .reduce((a, r) => a + r.amount, 0n);
              expect(refunded).toBeLessThanOrEqual(l.charged[c]);
            }
          }
          expect(balance.refunded).toBeLessThanOrEqual(balance.charged);
          expect(balance.left).toBe(balance.charged - balance.refunded);
        },
      ),
    );
  });

  it('refunds in full exactly what is left, after which nothing more is allowed and the order is refunded', () => {
    fc.assert(
      fc.property(
        fc.array(lineArb, { minLength: 1, maxLength: 3 }),
        fc.array(requestArb, { maxLength: 4 }),
        (charges, requests) => {
          const lines = charges.map(([p, t, s], i) => line(`item${i}`, p, t, s));
          const counted = applyAll(lines, requests);
          const before = orderBalance(lines, counted);
          const rest = fullRefundLines(before);
          const given = rest.reduce((a, r) => a + r.amount, 0n);
          const chargedComponentsLeft = before.lines
            .flatMap((l) => l.components)
            .filter((c) => ['Principal', 'Tax', 'Shipping'].includes(c.component))
            .reduce((a, c) => a + c.left, 0n);
          expect(given).toBe(chargedComponentsLeft);
          if (rest.length === 0 || given > before.left) return;
          checkRefund(before, rest, US);
          const after = orderBalance(lines, [
            ...counted,
            ...rest.map((r) => ({ ...r, inFlight: false, byAmazon: false })),
          ]);
          expect(fullRefundLines(after)).toEqual([]);
          if (after.charged > 0n) expect(refundPaymentStatus(after)).toBe('refunded');
        },
      ),
    );
  });

  it('counts refunds in flight: a second refund of what the first one takes is refused', () => {
    const lines = [line('A', 1000n, 80n)];
    const inFlight: CountedRefund[] = [
      { orderItemId: 'A', component: 'Principal', amount: 700n, inFlight: true, byAmazon: false },
    ];
    const balance = orderBalance(lines, inFlight);
    expect(() =>
      checkRefund(balance, [{ orderItemId: 'A', component: 'Principal', amount: 400n }], US),
    ).toThrow(
      /cannot refund 4.00, only 3.00 left \(charged 10.00, refunded 0.00, in flight 7.00, left 3.00\)/,
    );
    expect(refundPaymentStatus(balance)).toBe('paid');
  });

  it('refuses negative amounts but a restocking fee, a fee above the principal, and tax where prices include it', () => {
    const balance = orderBalance([line('A', 1000n, 80n, 500n)], []);
    const ask =
      (component: AdjustmentComponent, amount: bigint, rules = US) =>
      () =>
        checkRefund(
          balance,
          [
            { orderItemId: 'A', component: 'Principal', amount: 1000n },
            { orderItemId: 'A', component, amount },
          ],
          rules,
        );
    expect(ask('Shipping', -100n)).toThrow(/negative; only RestockingFee/);
    expect(ask('RestockingFee', 100n)).toThrow(/write it negative/);
    expect(ask('RestockingFee', -1001n)).toThrow(/above the order's principal of 10.00/);
    expect(ask('RestockingFee', -200n)).not.toThrow();
    expect(ask('Tax', 80n, { currency: 'JPY', taxInclusive: true })).toThrow(/fold the tax into Principal/);
    expect(ask('Goodwill', 600n)).toThrow(/only 15.80 left/);
  });
});
