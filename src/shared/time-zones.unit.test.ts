import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DateFormatError, parseInstant } from './dates.js';
import { canonicalTimeZone, instantOfLocalTime, localTimeAt } from './time-zones.js';

const ZONES = [
  'America/Los_Angeles',
  'America/Sao_Paulo',
  'Europe/London',
  'Europe/Berlin',
  'Asia/Kolkata',
  'Australia/Sydney',
  'Australia/Lord_Howe', // a half-hour daylight-saving shift
  'Asia/Tokyo',
  'UTC',
];

describe('time zones', () => {
  it('reads back every instant from its wall-clock time, the first of two when the clocks fall back', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...ZONES),
        fc.date({ min: new Date('1990-01-01'), max: new Date('2090-12-31'), noInvalidDate: true }),
        (zone, instant) => {
          const local = localTimeAt(zone, instant.getTime());
          const read = instantOfLocalTime(zone, local);
          expect(localTimeAt(zone, read)).toEqual(local);
          expect(read).toBeLessThanOrEqual(instant.getTime());
          expect(instant.getTime() - read).toBeLessThanOrEqual(3_600_000);
        },
      ),
    );
  });

  it('reads a local date or date-time in the zone, and refuses a time the clocks skip', () => {
    expect(parseInstant('2026-11-20', 'America/Los_Angeles')).toEqual({
      date: new Date('2026-11-20T08:00:00.000Z'),
      reading: 'date-local',
    });
    expect(parseInstant('2026-07-20T15:30', 'America/Los_Angeles')).toEqual({
      date: new Date('2026-07-20T22:30:00.000Z'),
      reading: 'date-time-local',
    });
    // 01:30 happens twice on 1 November 2026 in Los Angeles: the first is still daylight time.
    expect(parseInstant('2026-11-01T01:30', 'America/Los_Angeles').date).toEqual(
      new Date('2026-11-01T08:30:00.000Z'),
    );
    expect(() => parseInstant('2026-03-08T02:30', 'America/Los_Angeles')).toThrow(
      /2026-03-08T02:30 does not exist in America\/Los_Angeles/,
    );
    // Its own zone wins over the company's.
    expect(parseInstant('2026-11-20T15:30:00Z', 'Asia/Tokyo')).toEqual({
      date: new Date('2026-11-20T15:30:00.000Z'),
      reading: 'date-time-zoned',
    });
    expect(() => parseInstant('2026-02-30', 'Europe/Berlin')).toThrow(DateFormatError);
    expect(() => parseInstant('2026-02-28T24:10', 'Europe/Berlin')).toThrow(DateFormatError);
  });

  it('knows IANA names, in their canonical spelling, and nothing else', () => {
    expect(canonicalTimeZone('america/los_angeles')).toBe('America/Los_Angeles');
    expect(canonicalTimeZone('UTC')).toBe('UTC');
    for (const bad of ['Mars/Olympus_Mons', '+01:00', 'PST8PDT x', '', 'Europe/../etc']) {
      expect({ bad, zone: canonicalTimeZone(bad) }).toEqual({ bad, zone: undefined });
    }
  });
});
