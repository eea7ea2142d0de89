/**
 * Every Amazon failure is one of these kinds, so callers decide by kind, never by parsing messages:
 * - throttled: 429 after our own bounded retries; the job should be delayed, not failed.
 * - transient: 5xx, timeouts, connection resets after bounded retries.
 * - token_expired: the access token was refused as expired (refreshed once before this surfaces).
 * - authorization_revoked: `invalid_grant`, or a 403 on the access token that a fresh token does not cure; the
 *   seller's grant needs renewing.
 * - forbidden: a 403 a fresh token does not cure that is not about the token (a role the application lacks
 *   for this operation): that operation's problem, not the whole account's.
 * - invalid_request: 400 (or 413/415); never retried, Amazon's message kept.
 * - not_found: 404.
 */
export const AMAZON_ERROR_KINDS = [
  'throttled',
  'transient',
  'token_expired',
  'authorization_revoked',
  'forbidden',
  'invalid_request',
  'not_found',
] as const;
export type AmazonErrorKind = (typeof AMAZON_ERROR_KINDS)[number];

export interface AmazonErrorDetails {
  kind: AmazonErrorKind;
  operation: string;
  status?: number | undefined;
  code?: string | undefined;
  details?: string | undefined;
  requestId?: string | undefined;
  /** For throttled: how long to wait before the operation may succeed. */
  retryAfterMs?: number | undefined;
}

export class AmazonError extends Error {
  override name = 'AmazonError';
  readonly kind: AmazonErrorKind;
  readonly operation: string;
  readonly status: number | undefined;
  readonly code: string | undefined;
  readonly details: string | undefined;
  readonly requestId: string | undefined;
  readonly retryAfterMs: number | undefined;

  constructor(message: string, info: AmazonErrorDetails, options?: { cause?: unknown }) {
    super(`${info.operation}: ${message}`, options);
    this.kind = info.kind;
    this.operation = info.operation;
    this.status = info.status;
    this.code = info.code;
    this.details = info.details;
    this.requestId = info.requestId;
    this.retryAfterMs = info.retryAfterMs;
  }
}

/** A response that lacks what we need: names the operation and the field. */
export class AmazonResponseError extends Error {
  override name = 'AmazonResponseError';
  constructor(
    readonly operation: string,
    readonly field: string,
    problem: string,
    /** The order the field belongs to, when the response carries orders. */
    readonly orderId?: string,
  ) {
    super(
      `${operation}: ${orderId === undefined ? '' : `order ${orderId} is malformed: `}response field ${field} ${problem}`,
    );
  }
}

export function isAmazonError(value: unknown, kind?: AmazonErrorKind): value is AmazonError {
  return value instanceof AmazonError && (kind === undefined || value.kind === kind);
}
