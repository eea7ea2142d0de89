/**
 * Settlement dates in the formats Amazon's marketplaces write: `2026-07-15T12:00:00+00:00` (ISO 8601),
 * `2026-07-15 12:00:00 UTC`, `15.07.2026 12:00:00 UTC` (EU), `2026/07/15 12:00:00 JST` (JP), and the
 * date-only `posted-date` forms (`2026-07-15`, `15.07.2026`, `07/15/26`). A date that does not exist is
 * refused, never rolled over; a time without a zone is read as UTC (settlements are in UTC).
 */

export class SettlementDateError extends Error {
  override name = 'SettlementDateError';
}

/** Zone abbreviations seen in settlement files, in minutes east of UTC. */
const ZONES: Record<string, number> = {
  UTC: 0,
  GMT: 0,
  Z: 0,
  JST: 540,
  CET: 60,
  CEST: 120,
  BST: 60,
  PST: -480,
  PDT: -420,
  IST: 330,
  AEST: 600,
  AEDT: 660,
};

const TIME = String.raw`(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?)?`;
const ZONE = String.raw`\s*(Z|[+-]\d{2}:?\d{2}|[A-Z]{2,5})?`;
const YEAR_FIRST = new RegExp(String.raw`^(\d{4})[-/](\d{1,2})[-/](\d{1,2})${TIME}${ZONE}$`);
const DAY_FIRST = new RegExp(String.raw`^(\d{1,2})\.(\d{1,2})\.(\d{4})${TIME}${ZONE}$`);
const MONTH_FIRST = new RegExp(String.raw`^(\d{1,2})/(\d{1,2})/(\d{2}|\d{4})${TIME}${ZONE}$`);

interface Parts {
  year: number;
  month: number;
  day: number;
  time: (string | undefined)[];
  zone: string | undefined;
}

function partsOf(text: string): Parts | undefined {
  let match = YEAR_FIRST.exec(text);
  if (match) {
    const [, y, m, d, hh, mm, ss, zone] = match;
    return { year: Number(y), month: Number(m), day: Number(d), time: [hh, mm, ss], zone };
  }
  match = DAY_FIRST.exec(text);
  if (match) {
    const [, d, m, y, hh, mm, ss, zone] = match;
    return { year: Number(y), month: Number(m), day: Number(d), time: [hh, mm, ss], zone };
  }
  match = MONTH_FIRST.exec(text);
  if (match) {
    const [, m, d, y = '', hh, mm, ss, zone] = match;
    const year = y.length === 2 ? 2000 + Number(y) : Number(y);
    // Amazon documents MM/DD/YY; a first number above 12 can only be a day (DD/MM/YYYY, as the UK writes).
    const [month, day] = Number(m) > 12 ? [Number(d), Number(m)] : [Number(m), Number(d)];
    return { year, month, day, time: [hh, mm, ss], zone };
  }
  return undefined;
}

function offsetMinutes(zone: string | undefined, text: string): number {
  if (zone === undefined) return 0;
  const known = ZONES[zone];
  if (known !== undefined) return known;
  const offset = /^([+-])(\d{2}):?(\d{2})$/.exec(zone);
  if (!offset) throw new SettlementDateError(`${JSON.stringify(text)}: unknown time zone ${zone}`);
  const minutes = Number(offset[2]) * 60 + Number(offset[3]);
  return offset[1] === '-' ? -minutes : minutes;
}

/** Reads one settlement date into its UTC instant; throws SettlementDateError naming the text. */
export function parseSettlementDate(value: string): Date {
  const text = value.trim();
  const parts = partsOf(text);
  if (!parts) throw new SettlementDateError(`${JSON.stringify(value)} is not a date`);
  const { year, month, day } = parts;
  const [hours = 0, minutes = 0, seconds = 0] = parts.time.map((part) => Number(part ?? 0));
  const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate();
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth || hours > 23 || minutes > 59 || seconds > 59)
    throw new SettlementDateError(`${JSON.stringify(value)} is not a date that exists`);
  const local = Date.UTC(year, month - 1, day, hours, minutes, seconds);
  return new Date(local - offsetMinutes(parts.zone, value) * 60_000);
}
