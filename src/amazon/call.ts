import { StoppedError, throwIfStopped, untilStopped, waitUnlessStopped } from '../shared/abort.js';
import type { Logger } from '../shared/logger.js';
import { amazonCalls, amazonThrottled, rateLimitWaits } from '../shared/metrics.js';
import { RedisCommandError } from '../shared/redis.js';
import {
  classifyResponse,
  classifyThrown,
  classifyTokenError,
  rateLimitOf,
  toAmazonError,
  type Failure,
} from './classify.js';
import type { AccountEvents } from './account.js';
import { AmazonError } from './errors.js';
import type { OperationName } from './operations.js';
import type { BucketPlan, RedisRateLimiter } from './rate-limiter.js';
import type { CallParams, RawResponse, SpClient } from './sp-client.js';
import type { TokenCache } from './token-cache.js';

/**
 * One SP-API operation with everything around it: wait for a token of the shared bucket, get the
 * cached access token, send, and decide on the answer. 429 drains the bucket and backs off at least
 * 1/rate with jitter; 5xx, timeouts and resets back off exponentially with jitter; an expired or refused
 * token is replaced once. Every retry is bounded; what is left is an AmazonError of one kind.
 */

export interface RetryPolicy {
  /** Longest a call waits in-process for a token or a 429 back-off; beyond it, `throttled` with retryAfterMs. */
  maxInlineWaitMs: number;
  throttleRetries: number;
  transientRetries: number;
  transientBaseDelayMs: number;
  transientMaxDelayMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  maxInlineWaitMs: 190_000,
  throttleRetries: 3,
  transientRetries: 3,
  transientBaseDelayMs: 1_000,
  transientMaxDelayMs: 20_000,
};

export interface CallContext {
  client: SpClient;
  tokens: TokenCache;
  limiter: RedisRateLimiter;
  /** (selling partner, application): operations are appended to make the bucket. */
  bucketPrefix: string;
  policy: RetryPolicy;
  /** Each operation's usage plan (Amazon's defaults, see operations.ts). */
  plans: Record<OperationName, OperationPlan>;
  logger: Logger;
  /** Told of revoked grants, refused operations and first successes (the wiring records them). */
  events?: Partial<AccountEvents> | undefined;
  /** Operations that have succeeded through this gateway, so operationSucceeded is told once each. */
  succeeded: Set<string>;
  /** Aborted when the run must stop (shutdown): every wait ends at once with a StoppedError. */
  signal?: AbortSignal | undefined;
}

export interface OperationPlan extends BucketPlan {
  resendable: boolean;
}

export const TOKEN_EXCHANGE = 'lwaTokenExchange';

/** At least `floorMs`, up to half again as much, so callers that were refused together spread out. */
export function throttleBackoffMs(rate: number): number {
  const floorMs = 1000 / rate;
  return Math.ceil(floorMs * (1 + Math.random() * 0.5));
}

/** Exponential back-off with full jitter in its upper half: attempt 1 → base..2·base, capped. */
export function transientBackoffMs(policy: RetryPolicy, attempt: number): number {
  const ceiling = Math.min(policy.transientMaxDelayMs, policy.transientBaseDelayMs * 2 ** attempt);
  return Math.ceil(ceiling / 2 + (Math.random() * ceiling) / 2);
}

async function waitForSlot(context: CallContext, operation: OperationName, bucket: string): Promise<void> {
  const reservation = await context.limiter.reserve(
    bucket,
    context.plans[operation],
    context.policy.maxInlineWaitMs,
  );
  if (!reservation.granted) {
    throw new AmazonError('no request token within the wait allowed; try again later', {
      kind: 'throttled',
      operation,
      retryAfterMs: reservation.waitMs,
    });
  }
  rateLimitWaits.observe({ operation }, reservation.waitMs / 1000);
  if (reservation.waitMs > 0) await waitUnlessStopped(reservation.waitMs, context.signal, operation);
}

/** When the token endpoint throttles without saying for how long: a minute, then the run is deferred. */
const TOKEN_THROTTLE_DEFER_MS = 60_000;

async function accessToken(context: CallContext): Promise<string> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await untilStopped(context.tokens.accessToken(context.signal), context.signal, TOKEN_EXCHANGE);
    } catch (err) {
      // A Redis failure is not Amazon's: retrying the exchange cannot help.
      if (err instanceof AmazonError || err instanceof RedisCommandError || err instanceof StoppedError)
        throw err;
      const failure = classifyTokenError(err);
      const retries =
        failure.kind === 'throttled' ? context.policy.throttleRetries : context.policy.transientRetries;
      const retryable = failure.kind === 'transient' || failure.kind === 'throttled';
      if (!retryable || attempt > retries) {
        throw toAmazonError(
          TOKEN_EXCHANGE,
          failure,
          failure.kind === 'throttled' ? (failure.retryAfterMs ?? TOKEN_THROTTLE_DEFER_MS) : undefined,
        );
      }
      context.logger.warn(
        { code: failure.code, status: failure.status, attempt },
        'amazon token exchange failed; retrying',
      );
      await waitUnlessStopped(transientBackoffMs(context.policy, attempt), context.signal, TOKEN_EXCHANGE);
    }
  }
}

async function attempt(context: CallContext, operation: OperationName, token: string, params: CallParams) {
  const sending = context.client.call(operation, token, params);
  // Walking away from a request in flight is harmless only for an operation that may be sent again;
  // the others (createFeed) wait for their answer, bounded by the response timeout.
  const answer = context.plans[operation].resendable
    ? untilStopped(sending, context.signal, operation)
    : sending;
  try {
    return classifyResponse(await answer);
  } catch (err) {
    if (err instanceof StoppedError) throw err;
    const failure = classifyThrown(err);
    if (failure) return { ok: false as const, failure };
    const code = (err as { code?: unknown }).code;
    throw new AmazonError((err as Error).message, {
      kind: 'invalid_request',
      operation,
      code: typeof code === 'string' ? code : undefined,
    });
  }
}

/** One operation, and its owner told what it means for the account (revoked, forbidden, allowed again). */
export async function callOperation(
  context: CallContext,
  operation: OperationName,
  params: CallParams,
): Promise<RawResponse> {
  let response: RawResponse;
  try {
    response = await sendOperation(context, operation, params);
  } catch (err) {
    if (err instanceof AmazonError) await tellRefusal(context, err);
    throw err;
  }
  if (!context.succeeded.has(operation)) {
    context.succeeded.add(operation);
    await tell(context, 'operationSucceeded', () => context.events?.operationSucceeded?.(operation));
  }
  return response;
}

async function tellRefusal(context: CallContext, error: AmazonError): Promise<void> {
  if (error.kind === 'authorization_revoked') {
    await tell(context, 'authorizationRevoked', () => context.events?.authorizationRevoked?.(error));
  } else if (error.kind === 'forbidden') {
    context.succeeded.delete(error.operation);
    await tell(context, 'operationForbidden', () =>
      context.events?.operationForbidden?.(error.operation, error),
    );
  }
}

/** An owner's handler that fails is logged; the call's own outcome stands. */
async function tell(context: CallContext, event: string, handler: () => Promise<void> | undefined) {
  try {
    await handler();
  } catch (err) {
    context.logger.warn({ err, event }, 'recording an amazon account event failed');
  }
}

async function sendOperation(
  context: CallContext,
  operation: OperationName,
  params: CallParams,
): Promise<RawResponse> {
  throwIfStopped(context.signal, operation);
  const bucket = `${context.bucketPrefix}:${operation}`;
  const tries = { throttled: 0, transient: 0, tokenReplaced: false };
  for (;;) {
    // The token first: a slot is spent the moment it is reserved, so nothing may come between them.
    const token = await accessToken(context);
    await waitForSlot(context, operation, bucket);
    const outcome = await attempt(context, operation, token, params);
    countCall(operation, outcome);
    const rate = outcome.ok ? rateLimitOf(outcome.response) : outcome.failure.rateLimit;
    if (rate !== undefined && (await context.limiter.adoptRate(bucket, rate))) {
      context.logger.info({ operation, rate }, 'amazon rate limit adopted from x-amzn-RateLimit-Limit');
    }
    if (outcome.ok) return outcome.response;
    await handleFailure(context, operation, bucket, outcome.failure, token, tries);
  }
}

function countCall(
  operation: OperationName,
  outcome: { ok: true; response: RawResponse } | { ok: false; failure: Failure },
) {
  const status = outcome.ok ? outcome.response.statusCode : (outcome.failure.status ?? outcome.failure.kind);
  amazonCalls.inc({ operation, status: String(status) });
  if (!outcome.ok && outcome.failure.kind === 'throttled') amazonThrottled.inc({ operation });
}

async function handleFailure(
  context: CallContext,
  operation: OperationName,
  bucket: string,
  failure: Failure,
  token: string,
  tries: { throttled: number; transient: number; tokenReplaced: boolean },
): Promise<void> {
  const log = { operation, status: failure.status, code: failure.code, requestId: failure.requestId };
  switch (failure.kind) {
    case 'throttled': {
      await context.limiter.drain(bucket);
      const rate = failure.rateLimit ?? (await context.limiter.currentRate(bucket, context.plans[operation]));
      const backoffMs = throttleBackoffMs(rate);
      tries.throttled += 1;
      if (tries.throttled > context.policy.throttleRetries || backoffMs > context.policy.maxInlineWaitMs) {
        throw toAmazonError(operation, failure, backoffMs);
      }
      context.logger.warn(
        { ...log, backoffMs, attempt: tries.throttled },
        'amazon throttled the call; backing off',
      );
      await waitUnlessStopped(backoffMs, context.signal, operation);
      return;
    }
    case 'transient': {
      tries.transient += 1;
      const resendable = context.plans[operation].resendable || failure.unsent === true;
      if (!resendable || tries.transient > context.policy.transientRetries)
        throw toAmazonError(operation, failure);
      const backoffMs = transientBackoffMs(context.policy, tries.transient);
      context.logger.warn({ ...log, backoffMs, attempt: tries.transient }, 'amazon call failed; retrying');
      await waitUnlessStopped(backoffMs, context.signal, operation);
      return;
    }
    case 'token_expired':
    case 'token_refused':
    case 'forbidden':
      if (tries.tokenReplaced) throw toAmazonError(operation, failure);
      tries.tokenReplaced = true;
      context.logger.info(log, 'amazon refused the access token; getting a fresh one');
      await context.tokens.invalidate(token);
      return;
    default:
      throw toAmazonError(operation, failure);
  }
}
