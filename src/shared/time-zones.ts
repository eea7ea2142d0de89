/**
 * IANA time zones (America/Los_Angeles), through the runtime's own zone data (Intl): local wall-clock
 * times to instants, with the daylight-saving gaps and overlaps made explicit.
 */

const NAME = /^[A-Za-z][A-Za-z0-9_+-]*(\/[A-Za-z0-9_+-]+)*$/;
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let format = formatters.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(timeZone, format);
  }
  return format;
}

/** The zone's canonical IANA name (`america/los_angeles` → `America/Los_Angeles`), or undefined if unknown. */
export function canonicalTimeZone(name: string): string | undefined {
  if (!NAME.test(name)) return undefined; // offsets such as +01:00 are not zones
  try {
    return formatter(name).resolvedOptions().timeZone;
  } catch {
    return undefined;
  }
}

export interface LocalTime {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  millisecond: number;
}

/** The wall-clock time in `timeZone` at an instant. */
export function localTimeAt(timeZone: string, instantMs: number): LocalTime {
  const parts = Object.fromEntries(
    formatter(timeZone)
      .formatToParts(new Date(instantMs))
      .map((part) => [part.type, Number(part.value)]),
  ) as Record<string, number>;
  return {
    year: parts.year ?? 0,
    month: parts.month ?? 0,
    day: parts.day ?? 0,
    hour: parts.hour ?? 0,
    minute: parts.minute ?? 0,
    second: parts.second ?? 0,
    millisecond: ((instantMs % 1000) + 1000) % 1000,
  };
}

const asUtc = (t: LocalTime) =>
  Date.UTC(t.year, t.month - 1, t.day, t.hour, t.minute, t.second, t.millisecond);

/** How far the zone's clocks are ahead of UTC at an instant, in milliseconds. */
function offsetMsAt(timeZone: string, instantMs: number): number {
  return asUtc(localTimeAt(timeZone, instantMs)) - instantMs;
}

export class NonexistentLocalTimeError extends Error {
  override name = 'NonexistentLocalTimeError';
}

/**
 * The instant a wall-clock time in `timeZone` names. A time the clocks skip (spring forward) does not
 * exist and is refused; a time they show twice (fall back) is the first of the two.
 */
export function instantOfLocalTime(timeZone: string, local: LocalTime): number {
  const wall = asUtc(local);
  const DAY = 86_400_000;
  // Zones change their offset at most once within a day either side.
  const offsets = new Set([offsetMsAt(timeZone, wall - DAY), offsetMsAt(timeZone, wall + DAY)]);
  const candidates = [...offsets]
    .map((offset) => wall - offset)
    .filter((instant) => offsetMsAt(timeZone, instant) === wall - instant)
    .sort((a, b) => a - b);
  const first = candidates[0];
  if (first === undefined) {
    throw new NonexistentLocalTimeError(`does not exist in ${timeZone} (the clocks skip that hour that day)`);
  }
  return first;
}
