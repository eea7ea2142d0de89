import { AmazonError, type AmazonErrorKind } from './errors.js';
import { TokenExchangeError } from './lwa.js';
import type { RawResponse } from './sp-client.js';

/**
 * What one attempt's outcome means, as data: success, or a failure of one kind with what Amazon said.
 * src/amazon/call.ts turns it into a retry, a token refresh or an AmazonError.
 */
export type Outcome = { ok: true; response: RawResponse } | { ok: false; failure: Failure };

export interface Failure {
  /** `token_refused`: a 401/403 about the access token itself (revoked, malformed or invalid). */
  kind: AmazonErrorKind | 'token_refused';
  status?: number | undefined;
  code?: string | undefined;
  message: string;
  details?: string | undefined;
  requestId?: string | undefined;
  /** `x-amzn-RateLimit-Limit` when the response carried one. */
  rateLimit?: number | undefined;
  /** The request never left (no connection): resending cannot act twice. */
  unsent?: boolean | undefined;
  /** From a throttled answer's `Retry-After`. */
  retryAfterMs?: number | undefined;
}

interface AmazonErrorBody {
  errors?: { code?: unknown; message?: unknown; details?: unknown }[];
}

export function header(response: RawResponse, name: string): string | undefined {
  const value = response.headers[name.toLowerCase()];
  return Array.isArray(value) ? value[0] : value;
}

export function rateLimitOf(response: RawResponse): number | undefined {
  const value = Number(header(response, 'x-amzn-ratelimit-limit'));
  return Number.isFinite(value) && value > 0 ? value : undefined;
}

function firstError(body: string): {
  code?: string | undefined;
  message?: string | undefined;
  details?: string | undefined;
} {
  try {
    const parsed = JSON.parse(body) as AmazonErrorBody;
    const error = parsed.errors?.[0];
    if (!error) return {};
    const text = (value: unknown) => (typeof value === 'string' && value !== '' ? value : undefined);
    return { code: text(error.code), message: text(error.message), details: text(error.details) };
  } catch {
    return {};
  }
}

function kindOfStatus(status: number, details: string): Failure['kind'] {
  if (status === 429) return 'throttled';
  if (status === 404) return 'not_found';
  if (status === 401 || status === 403) {
    if (/expired/i.test(details)) return 'token_expired';
    // "The access token you provided is revoked, malformed or invalid." Anything else (often no details
    // at all) is Amazon refusing this operation to this application: a missing role.
    return /access token|revoked|malformed/i.test(details) ? 'token_refused' : 'forbidden';
  }
  if (status >= 500 || status === 408) return 'transient';
  return 'invalid_request';
}

export function classifyResponse(response: RawResponse): Outcome {
  const status = response.statusCode;
  if (status >= 200 && status < 300) return { ok: true, response };
  const error = firstError(response.body);
  const message = error.message ?? (response.body.slice(0, 500) || `HTTP ${status}`);
  return {
    ok: false,
    failure: {
      kind: kindOfStatus(status, `${error.details ?? ''} ${error.message ?? ''}`),
      status,
      code: error.code,
      message,
      details: error.details,
      requestId: header(response, 'x-amzn-requestid'),
      rateLimit: rateLimitOf(response),
    },
  };
}

// Failures before a connection exists: nothing reached Amazon.
const UNSENT_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);

const NETWORK_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ECONNABORTED',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'UND_ERR_SOCKET',
  'API_RESPONSE_TIMEOUT',
  'API_DEADLINE_TIMEOUT',
  'API_IDLE_TIMEOUT',
]);

/** A thrown error from the package or the socket: the network or a timeout is transient, anything else a bug. */
export function classifyThrown(err: unknown): Failure | undefined {
  const code = (err as { code?: unknown }).code;
  if (typeof code === 'string' && NETWORK_CODES.has(code)) {
    return {
      kind: 'transient',
      code,
      message: (err as Error).message || code,
      unsent: UNSENT_CODES.has(code),
    };
  }
  return undefined;
}

/** The LWA exchange answers `{ error, error_description }`, thrown as a TokenExchangeError with its status. */
export function classifyTokenError(err: unknown): Failure {
  const network = classifyThrown(err);
  if (network) return network;
  if (err instanceof TokenExchangeError && err.status === 429) {
    return {
      kind: 'throttled',
      status: 429,
      code: err.code,
      message: err.message,
      retryAfterMs: err.retryAfterMs,
    };
  }
  const code =
    typeof (err as { code?: unknown }).code === 'string' ? (err as { code: string }).code : undefined;
  const message = err instanceof Error ? err.message : String(err);
  if (code === 'invalid_grant' || code === 'invalid_client' || code === 'unauthorized_client') {
    return { kind: 'authorization_revoked', code, message: message || code };
  }
  if (code === 'invalid_request' || code === 'unsupported_grant_type') {
    return { kind: 'invalid_request', code, message: message || code };
  }
  // Parse errors (an HTML 5xx page) and server_error / temporarily_unavailable.
  const status = err instanceof TokenExchangeError ? err.status : undefined;
  return { kind: 'transient', status, code, message: message.slice(0, 500) };
}

export function toAmazonError(operation: string, failure: Failure, retryAfterMs?: number): AmazonError {
  const kind = failure.kind === 'token_refused' ? 'authorization_revoked' : failure.kind;
  return new AmazonError(failure.message, {
    kind,
    operation,
    status: failure.status,
    code: failure.code,
    details: failure.details,
    requestId: failure.requestId,
    retryAfterMs: retryAfterMs ?? failure.retryAfterMs,
  });
}
