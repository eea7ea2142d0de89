import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { AdjustmentComponent } from './adjustment-codes.js';
import { REFUND_PAYMENT_STATUSES, refundPaymentStatus } from './payment-status.js';
import { orderBalance, type ChargedLine, type CountedRefund } from './refundable.js';
import { chargedLine } from './refundable.test-support.js';

const ITEMS = ['A', 'B'];

const lineArb = fc
  .tuple(
    fc.constantFrom(...ITEMS),
    fc.bigInt({ min: 0n, max: 10_000n }),
    fc.bigInt({ min: 0n, max: 1_000n }),
    fc.bigInt({ min: 0n, max: 1_000n }),
  )
  .map(([orderItemId, principal, tax, shipping]) => chargedLine(orderItemId, principal, tax, shipping));
const linesArb = fc.uniqueArray(lineArb, { selector: (l) => l.orderItemId, minLength: 1, maxLength: 2 });

const refundArb = fc.record({
  orderItemId: fc.constantFrom(...ITEMS),
  component: fc.constantFrom<AdjustmentComponent>(
    'Principal',
    'Tax',
    'Shipping',
    'Goodwill',
    'RestockingFee',
  ),
  amount: fc.bigInt({ min: 1n, max: 6_000n }),
  inFlight: fc.boolean(),
  byAmazon: fc.boolean(),
});
const refundsArb = fc.array(refundArb, { maxLength: 6 }).map((refunds) =>
  refunds.map((r): CountedRefund => ({
    ...r,
    amount: r.component === 'RestockingFee' ? -r.amount : r.amount,
    // Amazon's refunds are known only once given.
    inFlight: r.byAmazon ? false : r.inFlight,
  })),
);

const rank = (lines: ChargedLine[], refunds: CountedRefund[]) =>
  REFUND_PAYMENT_STATUSES.indexOf(refundPaymentStatus(orderBalance(lines, refunds)));

const sum = (values: bigint[]) => values.reduce((a, b) => a + b, 0n);

describe('payment status rule', () => {
  it('is pending with nothing charged, paid with nothing given back, refunded once given back covers the charge', () => {
    fc.assert(
      fc.property(linesArb, refundsArb, (lines, refunds) => {
        const balance = orderBalance(lines, refunds);
        const charged = sum(lines.flatMap((l) => Object.values(l.charged)));
        const given = sum(refunds.filter((r) => !r.inFlight && r.amount > 0n).map((r) => r.amount));
        const status = refundPaymentStatus(balance);
        if (charged === 0n) expect(status).toBe('pending');
        else if (given === 0n) expect(status).toBe('paid');
        else expect(status).toBe(given >= charged ? 'refunded' : 'partially_refunded');
      }),
    );
  });

  it('ignores refunds still in flight, and counts Amazon’s given refunds like ours', () => {
    fc.assert(
      fc.property(linesArb, refundsArb, (lines, refunds) => {
        const settled = refunds.filter((r) => !r.inFlight);
        expect(rank(lines, refunds)).toBe(rank(lines, settled));
        const swapped = settled.map((r) => ({ ...r, byAmazon: !r.byAmazon }));
        expect(rank(lines, swapped)).toBe(rank(lines, settled));
      }),
    );
  });

  it('never moves back as more refunds are given', () => {
    fc.assert(
      fc.property(linesArb, refundsArb, refundArb, (lines, refunds, more) => {
        const given: CountedRefund = { ...more, inFlight: false };
        expect(rank(lines, [...refunds, given])).toBeGreaterThanOrEqual(rank(lines, refunds));
      }),
    );
  });
});
