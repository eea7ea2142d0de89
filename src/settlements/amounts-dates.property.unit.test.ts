import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AmountFormatError, fromCents, parseAmount, toCents } from './amounts.js';
import { parseSettlementDate, SettlementDateError } from './settlement-dates.js';

/** How marketplaces write an amount of `cents`: US/UK, German, French, Swiss, plain. */
function written(cents: bigint, style: 'us' | 'de' | 'fr' | 'ch' | 'plain', grouped: boolean): string {
  const negative = cents < 0n;
  const digits = (negative ? -cents : cents).toString().padStart(3, '0');
  const whole = digits.slice(0, -2);
  const fraction = digits.slice(-2);
  const group = { us: ',', de: '.', fr: '\u202f', ch: "'", plain: '' }[style];
  const decimal = style === 'de' || style === 'fr' ? ',' : '.';
  const wholeText = grouped && group !== '' ? whole.replace(/\B(?=(\d{3})+(?!\d))/g, group) : whole;
  return `${negative ? '-' : ''}${wholeText}${decimal}${fraction}`;
}

describe('settlement amounts', () => {
  it('read back the amount whatever the marketplace number format', () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: -(10n ** 12n), max: 10n ** 12n }),
        fc.constantFrom('us', 'de', 'fr', 'ch', 'plain' as const),
        fc.boolean(),
        (cents, style, grouped) => {
          expect(toCents(parseAmount(written(cents, style, grouped)))).toBe(cents);
        },
      ),
    );
  });

  it('round-trips through cents', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: -(10n ** 14n), max: 10n ** 14n }), (cents) => {
        expect(toCents(parseAmount(fromCents(cents)))).toBe(cents);
      }),
    );
  });

  it('reads the forms seen in files', () => {
    expect(parseAmount('95,00')).toBe('95');
    expect(parseAmount('-12.60')).toBe('-12.6');
    expect(parseAmount('29.99    ')).toBe('29.99');
    expect(parseAmount('1.234,56')).toBe('1234.56');
    expect(parseAmount('1,234')).toBe('1234');
    expect(parseAmount('-0,00')).toBe('0');
    expect(parseAmount('12.50-')).toBe('-12.5');
  });

  it('refuses text that is not an amount rather than guessing', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('', 'abc', '1,2,3', '12.345.6', '--1', '1.2.3,4', '12,3456', '1e5', 'NaN', '1 2'),
        (text) => {
          expect(() => parseAmount(text)).toThrow(AmountFormatError);
        },
      ),
    );
  });
});

const pad = (value: number, width = 2) => String(value).padStart(width, '0');

/** An instant written the way each marketplace writes settlement dates. */
function dateText(instant: Date, style: 'iso' | 'utc' | 'eu' | 'jp' | 'us'): string {
  if (style === 'jp') {
    const local = new Date(instant.getTime() + 9 * 3_600_000);
    return `${local.getUTCFullYear()}/${pad(local.getUTCMonth() + 1)}/${pad(local.getUTCDate())} ${pad(local.getUTCHours())}:${pad(local.getUTCMinutes())}:${pad(local.getUTCSeconds())} JST`;
  }
  const [y, mo, d] = [instant.getUTCFullYear(), pad(instant.getUTCMonth() + 1), pad(instant.getUTCDate())];
  const time = `${pad(instant.getUTCHours())}:${pad(instant.getUTCMinutes())}:${pad(instant.getUTCSeconds())}`;
  if (style === 'iso') return `${y}-${mo}-${d}T${time}+00:00`;
  if (style === 'utc') return `${y}-${mo}-${d} ${time} UTC`;
  if (style === 'eu') return `${d}.${mo}.${y} ${time} UTC`;
  return `${mo}/${d}/${y} ${time} UTC`;
}

describe('settlement dates', () => {
  it('read the same instant in every marketplace format', () => {
    fc.assert(
      fc.property(
        fc.date({
          min: new Date('2015-01-01T00:00:00Z'),
          max: new Date('2035-12-31T23:59:59Z'),
          noInvalidDate: true,
        }),
        fc.constantFrom('iso', 'utc', 'eu', 'jp', 'us' as const),
        (date, style) => {
          const instant = new Date(Math.floor(date.getTime() / 1000) * 1000);
          expect(parseSettlementDate(dateText(instant, style)).toISOString()).toBe(instant.toISOString());
        },
      ),
    );
  });

  it('reads the documented examples and the date-only posted dates', () => {
    const noon = '2026-07-15T12:00:00.000Z';
    expect(parseSettlementDate('2026-07-15T12:00:00+00:00').toISOString()).toBe(noon);
    expect(parseSettlementDate('15.07.2026 12:00:00 UTC').toISOString()).toBe(noon);
    expect(parseSettlementDate('2026/07/15 21:00:00 JST').toISOString()).toBe(noon);
    expect(parseSettlementDate('07/15/26').toISOString()).toBe('2026-07-15T00:00:00.000Z');
    expect(parseSettlementDate('15.07.2026').toISOString()).toBe('2026-07-15T00:00:00.000Z');
  });

  it('refuses dates that do not exist and zones it does not know', () => {
    for (const text of [
      '2026-02-30 00:00:00 UTC',
      '31.04.2026',
      '2026-07-15 24:00:00 UTC',
      '2026-07-15 12:00:00 XYZT',
      'soon',
    ])
      expect(() => parseSettlementDate(text)).toThrow(SettlementDateError);
  });
});
