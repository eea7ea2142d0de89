/**
 * Money as integer minor units of its currency (bigint), never floats: cents for USD or EUR, whole yen for
 * JPY. Amazon's feeds carry at most 2 fraction digits (BaseCurrencyAmount); a currency with none (JPY)
 * accepts none. Stored amounts are numeric decimal strings.
 */

/** Currencies Amazon settles in without minor units. Every other one has 2. */
const ZERO_DECIMAL_CURRENCIES = new Set(['JPY']);

export function currencyDigits(currency: string): number {
  return ZERO_DECIMAL_CURRENCIES.has(currency.toUpperCase()) ? 0 : 2;
}

export class MoneyFormatError extends Error {
  override name = 'MoneyFormatError';
}

const DECIMAL = /^(-)?(\d{1,15})(?:\.(\d+))?$/;

/**
 * Reads an amount the operator wrote, exactly: `12.5` or `12.50` in USD, `1200` in JPY. More fraction
 * digits than the currency has (`12.345` USD, `1200.5` JPY) is refused rather than rounded.
 */
export function parseMoney(text: string, currency: string): bigint {
  const match = DECIMAL.exec(text.trim());
  const digits = currencyDigits(currency);
  if (!match)
    throw new MoneyFormatError(
      `${JSON.stringify(text)} is not an amount (expected e.g. ${example(currency)})`,
    );
  const fraction = match[3] ?? '';
  if (fraction.replace(/0+$/, '').length > digits) {
    throw new MoneyFormatError(
      digits === 0
        ? `${text} ${currency}: ${currency} has no minor unit, write whole amounts (e.g. ${example(currency)})`
        : `${text} ${currency}: at most ${digits} decimal places (e.g. ${example(currency)})`,
    );
  }
  const units =
    BigInt(match[2]!) * 10n ** BigInt(digits) + BigInt(fraction.slice(0, digits).padEnd(digits, '0') || '0');
  return match[1] ? -units : units;
}

function example(currency: string): string {
  return currencyDigits(currency) === 0 ? '1200' : '12.50';
}

/**
 * Reads a stored numeric (`12.3400`) into minor units. Digits beyond the currency's are rounded half away
 * from zero: Amazon never sends them, and a stored value carries at most the column's 4 places.
 */
export function storedMoney(value: string | null, currency: string): bigint {
  if (value === null || value === '') return 0n;
  const match = DECIMAL.exec(value.trim());
  if (!match) throw new MoneyFormatError(`stored amount ${JSON.stringify(value)} is not a decimal`);
  const digits = currencyDigits(currency);
  const fraction = match[3] ?? '';
  let units =
    BigInt(match[2]!) * 10n ** BigInt(digits) + BigInt(fraction.slice(0, digits).padEnd(digits, '0') || '0');
  if ((fraction[digits] ?? '0') >= '5') units += 1n;
  return match[1] ? -units : units;
}

/** Minor units as a decimal string with the currency's digits: `12.50`, `-3.00`, `1200`. */
export function formatMoney(units: bigint, currency: string): string {
  const digits = currencyDigits(currency);
  const negative = units < 0n;
  const text = (negative ? -units : units).toString().padStart(digits + 1, '0');
  const whole = digits === 0 ? text : text.slice(0, -digits);
  const fraction = digits === 0 ? '' : `.${text.slice(-digits)}`;
  return `${negative ? '-' : ''}${whole}${fraction}`;
}

/** `amount × numerator / denominator`, rounded half away from zero: a share of a line for some of its units. */
export function prorate(units: bigint, numerator: number, denominator: number): bigint {
  if (denominator <= 0) throw new RangeError('denominator must be positive');
  const scaled = units * BigInt(numerator) * 2n;
  const d = BigInt(denominator) * 2n;
  const half = BigInt(denominator);
  return scaled >= 0n ? (scaled + half) / d : -((-scaled + half) / d);
}
