import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DateFormatError, parseInstant } from './dates.js';

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

describe('parseInstant', () => {
  it('reads every real calendar date as that date at midnight UTC', () => {
    fc.assert(
      fc.property(
        fc.date({ min: new Date('1970-01-01'), max: new Date('2999-12-31'), noInvalidDate: true }),
        (d) => {
          const text = `${pad(d.getUTCFullYear(), 4)}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
          const parsed = parseInstant(text);
          expect(parsed.reading).toBe('date-utc');
          expect(parsed.date.toISOString().slice(0, 10)).toBe(text);
        },
      ),
    );
  });

  it('reads a date-time with its zone as the same instant Date does', () => {
    fc.assert(
      fc.property(
        fc.date({ min: new Date('1970-01-01'), max: new Date('2999-12-31'), noInvalidDate: true }),
        fc.integer({ min: -12 * 60, max: 14 * 60 }),
        (instant, offset) => {
          const local = new Date(instant.getTime() + offset * 60_000).toISOString().slice(0, 23);
          const sign = offset < 0 ? '-' : '+';
          const zone = `${sign}${pad(Math.floor(Math.abs(offset) / 60))}:${pad(Math.abs(offset) % 60)}`;
          expect(parseInstant(`${local}${zone}`).date.getTime()).toBe(instant.getTime());
        },
      ),
    );
  });

  it('refuses days past the end of their month, and times and zones that do not exist', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1970, max: 2999 }), fc.integer({ min: 1, max: 12 }), (year, month) => {
        const days = new Date(Date.UTC(year, month, 0)).getUTCDate();
        for (let day = days + 1; day <= 31; day++) {
          expect(() => parseInstant(`${year}-${pad(month)}-${pad(day)}`)).toThrow(DateFormatError);
        }
      }),
    );
    for (const bad of [
      '2026-02-30',
      '2026-13-01',
      '2026-00-10',
      '2026-11-20T24:00:00Z',
      '2026-11-20T10:60:00Z',
      '2026-11-20T10:00:00+15:00',
      '2026-11-20T10:00:00',
      '20261120',
      'yesterday',
    ]) {
      expect(() => parseInstant(bad), bad).toThrow(DateFormatError);
    }
    expect(parseInstant('2028-02-29').date.toISOString()).toBe('2028-02-29T00:00:00.000Z');
  });
});
