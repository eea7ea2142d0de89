/** A mistake in what the user asked for (flags, API body, input values): shown as is, exit code 2. */
export class UsageError extends Error {
  override name = 'UsageError';
  /** The flag or input field at fault, when one is. */
  readonly field: string | undefined;
  constructor(message: string, options: { field?: string | undefined; cause?: unknown } = {}) {
    super(message, { cause: options.cause });
    this.field = options.field;
  }
}

/** The thing asked for does not exist. */
export class NotFoundError extends Error {
  override name = 'NotFoundError';
}

/** A service the request needed (Amazon) gave no answer: nothing was done, trying again may work. */
export class UpstreamError extends Error {
  override name = 'UpstreamError';
}

/** Postgres or Redis cannot be reached: named by its setting and address, without a stack. */
export class ServiceUnavailableError extends Error {
  override name = 'ServiceUnavailableError';
  constructor(
    readonly variable: 'DATABASE_URL' | 'REDIS_URL' | 'REDIS_CLUSTER_NODES',
    readonly address: string,
    readonly reason: string,
  ) {
    super(
      `cannot reach ${variable === 'DATABASE_URL' ? 'PostgreSQL' : 'Redis'} at ${address} (${variable}): ${reason}`,
    );
  }
}

/** The database named by DATABASE_URL does not exist; only `migrate` and `start` create it. */
export class MissingDatabaseError extends Error {
  override name = 'MissingDatabaseError';
  constructor(
    readonly database: string,
    readonly address: string,
  ) {
    super(
      `database ${database} does not exist at ${address} (DATABASE_URL); check DATABASE_URL, or create it with sellersync migrate`,
    );
  }
}

/** Turns anything thrown into an Error, keeping the original as cause. */
export function coerceError(value: unknown): Error {
  if (value instanceof Error) return value;
  return new Error(typeof value === 'string' ? value : JSON.stringify(value), { cause: value });
}
