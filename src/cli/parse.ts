import { InvalidArgumentError } from 'commander';

/** Flag parsers: a wrong value names the flag's expectation and ends the command with exit code 2. */

export function parseId(value: string): number {
  if (!/^[1-9]\d{0,14}$/.test(value)) throw new InvalidArgumentError('expected a positive whole number.');
  return Number(value);
}

/** A variadic id argument: each value checked as it is read. */
export function parseIds(value: string, previous: number[] | undefined): number[] {
  return [...(previous ?? []), parseId(value)];
}

export function parseOnOff(value: string): boolean {
  const normalized = value.toLowerCase();
  if (['on', 'true', 'yes', '1'].includes(normalized)) return true;
  if (['off', 'false', 'no', '0'].includes(normalized)) return false;
  throw new InvalidArgumentError('expected on or off.');
}

export function parseMinutes(value: string): number {
  const minutes = Number(value);
  if (!/^\d+$/.test(value) || minutes < 1 || minutes > 1440) {
    throw new InvalidArgumentError('expected whole minutes from 1 to 1440.');
  }
  return minutes;
}

export function parseList(value: string, previous: string[] | undefined): string[] {
  return [
    ...(previous ?? []),
    ...value
      .split(',')
      .map((item) => item.trim())
      .filter(Boolean),
  ];
}
