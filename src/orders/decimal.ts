/** Exact decimal arithmetic on Amazon's amount strings, at 4 places (the numeric(18, 4) columns). */

const SCALE = 4;

export function isDecimal(value: string): boolean {
  return /^-?\d+(\.\d+)?$/.test(value);
}

function toUnits(value: string): bigint {
  const negative = value.startsWith('-');
  const [whole = '0', fraction = ''] = value.replace('-', '').split('.');
  const units = BigInt(whole) * 10n ** BigInt(SCALE) + BigInt(fraction.slice(0, SCALE).padEnd(SCALE, '0'));
  return negative ? -units : units;
}

function fromUnits(units: bigint): string {
  const negative = units < 0n;
  const digits = (negative ? -units : units).toString().padStart(SCALE + 1, '0');
  const whole = digits.slice(0, -SCALE);
  const fraction = digits.slice(-SCALE).replace(/0+$/, '').padEnd(2, '0');
  return `${negative ? '-' : ''}${whole}.${fraction}`;
}

/** Adds decimal strings exactly; `subtract` ones count negatively whatever sign they were written with. */
export function sumDecimals(add: string[], subtract: string[] = []): string {
  let total = 0n;
  for (const value of add) total += toUnits(value);
  for (const value of subtract) {
    const units = toUnits(value);
    total -= units < 0n ? -units : units;
  }
  return fromUnits(total);
}
