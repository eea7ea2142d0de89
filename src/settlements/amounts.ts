/**
 * Settlement amounts as Amazon writes them: in the marketplace's number format (`1,234.56`, `1.234,56`,
 * `95,00`, `1 234,56`, `-12.60`, JPY's `1,234`), signed from the seller's view. Read into plain decimal
 * strings (`-1234.56`) for the numeric columns; never a float.
 *
 * The decimal separator is the last `.` or `,` when one or two digits follow it (Amazon's currencies have
 * at most two places); a separator followed by three digits groups thousands.
 */

const SHAPE = /^([+-]?)(\d[\d.,\u00a0\u202f ']*)(-?)$/;

export class AmountFormatError extends Error {
  override name = 'AmountFormatError';
}

function canonical(negative: boolean, whole: string, fraction: string): string {
  const digits = whole.replace(/^0+(?=\d)/, '');
  const places = fraction.replace(/0+$/, '');
  const text = places === '' ? digits : `${digits}.${places}`;
  return negative && /[1-9]/.test(text) ? `-${text}` : text;
}

/** Reads one amount; throws AmountFormatError naming the text when it is not one. */
export function parseAmount(text: string): string {
  const trimmed = text.trim();
  const match = SHAPE.exec(trimmed);
  if (!match) throw new AmountFormatError(`${JSON.stringify(text)} is not an amount`);
  const [, leadingSign = '', body = '', trailingSign = ''] = match;
  if (leadingSign !== '' && trailingSign !== '')
    throw new AmountFormatError(`${JSON.stringify(text)} has two signs`);
  const negative = leadingSign === '-' || trailingSign === '-';
  const separators = [...body.matchAll(/[.,\u00a0\u202f ']/g)];
  const last = separators.at(-1);
  let whole = body;
  let fraction = '';
  if (last?.index !== undefined && /[.,]/.test(last[0])) {
    const after = body.slice(last.index + 1);
    if (/^\d{1,2}$/.test(after)) {
      whole = body.slice(0, last.index);
      if (whole.includes(last[0]))
        throw new AmountFormatError(
          `${JSON.stringify(text)} uses ${last[0]} both to group and as decimal point`,
        );
      fraction = after;
    } else if (!/^\d{3}$/.test(after)) {
      throw new AmountFormatError(`${JSON.stringify(text)} is not an amount`);
    }
  }
  const groups = whole.split(/[.,\u00a0\u202f ']/);
  const [first = '', ...rest] = groups;
  if (first === '' || rest.some((group) => !/^\d{3}$/.test(group)) || (rest.length > 0 && first.length > 3))
    throw new AmountFormatError(`${JSON.stringify(text)} has misplaced digit groups`);
  if (!/^\d+$/.test(first)) throw new AmountFormatError(`${JSON.stringify(text)} is not an amount`);
  return canonical(negative, groups.join(''), fraction);
}

/** Exact sums of decimal strings at two places (cents), as bigint: the summary check and the totals. */
export function toCents(amount: string): bigint {
  const negative = amount.startsWith('-');
  const [whole = '0', fraction = ''] = amount.replace('-', '').split('.');
  const cents = BigInt(whole) * 100n + BigInt(fraction.padEnd(2, '0').slice(0, 2));
  return negative ? -cents : cents;
}

export function fromCents(cents: bigint): string {
  const negative = cents < 0n;
  const digits = (negative ? -cents : cents).toString().padStart(3, '0');
  return `${negative ? '-' : ''}${digits.slice(0, -2)}.${digits.slice(-2)}`;
}
