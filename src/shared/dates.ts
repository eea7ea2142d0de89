import { instantOfLocalTime, NonexistentLocalTimeError } from './time-zones.js';

/** Strict ISO 8601 dates: a date that does not exist (2026-02-30, 25:00) is refused, never rolled over. */

export interface ParsedInstant {
  date: Date;
  /**
   * How the value was read: a calendar date at midnight UTC, or at midnight in the time zone given; a
   * date-time without a zone, in the time zone given; a date-time with its own zone (`Z`, `-08:00`).
   */
  reading: 'date-utc' | 'date-local' | 'date-time-local' | 'date-time-zoned';
}

const PATTERN =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|[+-]\d{2}:?\d{2})?)?$/;

export class DateFormatError extends Error {
  override name = 'DateFormatError';
}

/**
 * Reads `2026-11-20T15:30:00Z` / `…+01:00`, and `2026-11-20` or `2026-11-20T15:30` in `timeZone` (an IANA
 * name) when one is given. Without it a date is midnight UTC and a time needs its zone: the instant must
 * never depend on the machine reading it.
 */
export function parseInstant(value: string, timeZone?: string): ParsedInstant {
  const match = PATTERN.exec(value.trim());
  if (!match) {
    throw new DateFormatError('expected an ISO date or date-time, e.g. 2026-11-20 or 2026-11-20T15:30:00Z');
  }
  const [, y, mo, d, h, mi, s, fraction, zone] = match;
  const year = Number(y);
  const month = Number(mo);
  const day = Number(d);
  const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate();
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth) {
    throw new DateFormatError(
      `${y}-${mo}-${d} is not a date (that month has ${month >= 1 && month <= 12 ? daysInMonth : 'no'} days)`,
    );
  }
  if (h === undefined && timeZone === undefined)
    return { date: new Date(Date.UTC(year, month - 1, day)), reading: 'date-utc' };
  const [hour, minute, second] = [Number(h ?? 0), Number(mi ?? 0), Number(s ?? 0)];
  if (hour > 23 || minute > 59 || second > 59)
    throw new DateFormatError(`${h}:${mi}:${s ?? '00'} is not a time of day`);
  const millis = Number((fraction ?? '0').padEnd(3, '0').slice(0, 3));
  if (zone === undefined && timeZone !== undefined) {
    const local = { year, month, day, hour, minute, second, millisecond: millis };
    try {
      const instant = instantOfLocalTime(timeZone, local);
      return { date: new Date(instant), reading: h === undefined ? 'date-local' : 'date-time-local' };
    } catch (err) {
      if (!(err instanceof NonexistentLocalTimeError)) throw err;
      throw new DateFormatError(`${value.trim()} ${err.message}`);
    }
  }
  if (zone === undefined) {
    throw new DateFormatError(
      'a date-time needs its zone, e.g. 2026-11-20T15:30:00Z or 2026-11-20T15:30:00-08:00',
    );
  }
  let offsetMinutes = 0;
  if (zone !== 'Z') {
    const digits = zone.replace(':', '');
    const [zh, zm] = [Number(digits.slice(1, 3)), Number(digits.slice(3, 5))];
    if (zh > 14 || zm > 59) throw new DateFormatError(`${zone} is not a time zone offset`);
    offsetMinutes = (zone.startsWith('-') ? -1 : 1) * (zh * 60 + zm);
  }
  const utc = Date.UTC(year, month - 1, day, hour, minute, second, millis) - offsetMinutes * 60_000;
  return { date: new Date(utc), reading: 'date-time-zoned' };
}
