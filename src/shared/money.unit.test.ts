import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatMoney, MoneyFormatError, parseMoney, prorate, storedMoney } from './money.js';

const units = fc.bigInt({ min: -(10n ** 14n), max: 10n ** 14n });
const currency = fc.constantFrom('USD', 'EUR', 'GBP', 'JPY', 'CAD');

describe('money in minor units per currency', () => {
  it('reads amounts exactly, with the currency’s own number of decimals', () => {
    expect(parseMoney('12.5', 'USD')).toBe(1250n);
    expect(parseMoney('12.50', 'USD')).toBe(1250n);
    expect(parseMoney('0.01', 'EUR')).toBe(1n);
    expect(parseMoney('-5', 'USD')).toBe(-500n);
    expect(parseMoney('1200', 'JPY')).toBe(1200n);
    expect(parseMoney('1200.00', 'JPY')).toBe(1200n);
    expect(formatMoney(1200n, 'JPY')).toBe('1200');
    expect(formatMoney(-5n, 'USD')).toBe('-0.05');
  });

  it('refuses what would need rounding, and what is no amount at all', () => {
    expect(() => parseMoney('12.345', 'USD')).toThrow(/at most 2 decimal places/);
    expect(() => parseMoney('1200.5', 'JPY')).toThrow(/JPY has no minor unit/);
    for (const bad of ['', '1e3', '12,50', '0x10', '.5', '1.2.3', 'NaN']) {
      expect(() => parseMoney(bad, 'USD')).toThrow(MoneyFormatError);
    }
  });

  it('writes back what it reads: format then parse is the identity, in every currency', () => {
    fc.assert(
      fc.property(units, currency, (value, code) => {
        expect(parseMoney(formatMoney(value, code), code)).toBe(value);
        const text = formatMoney(value, code);
        // As a numeric(18, 4) column returns it.
        expect(storedMoney(text.includes('.') ? `${text}00` : `${text}.0000`, code)).toBe(value);
      }),
    );
  });

  it('prorates a line by shares that add up to the whole, never drifting by more than a unit per share', () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: 0n, max: 10n ** 12n }),
        fc.integer({ min: 1, max: 99 }),
        (total, quantity) => {
          const perUnit = Array.from(
            { length: quantity },
            (_, i) => prorate(total, i + 1, quantity) - prorate(total, i, quantity),
          );
          expect(perUnit.reduce((a, b) => a + b, 0n)).toBe(total);
          expect(prorate(total, quantity, quantity)).toBe(total);
          expect(prorate(total, 0, quantity)).toBe(0n);
        },
      ),
    );
  });
});
