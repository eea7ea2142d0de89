/** A mistake in what the user asked for (flags, API body, input values): shown as is, exit code 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}

/** The thing asked for does not exist. */
export class NotFoundError extends Error {
  override name = 'NotFoundError';
}

/** Turns anything thrown into an Error, keeping the original as cause. */
export function coerceError(value: unknown): Error {
  if (value instanceof Error) return value;
  return new Error(typeof value === 'string' ? value : JSON.stringify(value), { cause: value });
}
