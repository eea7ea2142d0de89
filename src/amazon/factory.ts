import { createHash } from 'node:crypto';
import type { Keyring } from '../shared/crypto.js';
import type { Logger } from '../shared/logger.js';
import type { Redis } from '../shared/redis.js';
import type { AmazonAccount } from './account.js';
import { DEFAULT_RETRY_POLICY, type OperationPlan, type RetryPolicy } from './call.js';
import { parseEndpoint } from './endpoint.js';
import { SpApiGateway } from './gateway.js';
import { RedisRateLimiter, type BucketPlan } from './rate-limiter.js';
import { OPERATIONS, type OperationName } from './operations.js';
import { SpClient } from './sp-client.js';
import { TokenCache } from './token-cache.js';

/** Tuning of the gateway; production uses the defaults, tests and benchmarks shorten the waits. */
export interface AmazonGatewayOptions {
  retry: RetryPolicy;
  /** Share of Amazon's rate sellersync uses (the rest absorbs network jitter). */
  paceFactor: number;
  responseTimeoutMs: number;
  deadlineTimeoutMs: number;
  /** Usage plans replacing Amazon's defaults (a scaled-down plan for a benchmark or a test double). */
  ratePlans: Partial<Record<OperationName, BucketPlan>>;
}

export const DEFAULT_GATEWAY_OPTIONS: AmazonGatewayOptions = {
  retry: DEFAULT_RETRY_POLICY,
  paceFactor: 0.98,
  responseTimeoutMs: 30_000,
  deadlineTimeoutMs: 120_000,
  ratePlans: {},
};

function digest(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 12);
}

/** What every account's gateway in a process shares: the Redis connection, the limiter, the plans. */
export interface GatewayServices {
  redis: Redis;
  redisPrefix: string;
  keyring: Keyring;
  limiter: RedisRateLimiter;
  plans: Record<OperationName, OperationPlan>;
  options: AmazonGatewayOptions;
}

export function resolveOptions(overrides: Partial<AmazonGatewayOptions>): AmazonGatewayOptions {
  return { ...DEFAULT_GATEWAY_OPTIONS, ...overrides };
}

/** `redis` should be a fail-fast connection (createFailFastRedis): a call must not hang on Redis. */
export function createGatewayServices(
  redis: Redis,
  settings: { redisPrefix: string; keyring: Keyring },
  options: AmazonGatewayOptions,
): GatewayServices {
  const plans = {} as Record<OperationName, OperationPlan>;
  for (const name of Object.keys(OPERATIONS) as OperationName[]) {
    plans[name] = { ...OPERATIONS[name], ...options.ratePlans[name] };
  }
  const limiter = new RedisRateLimiter(redis, settings.redisPrefix, { paceFactor: options.paceFactor });
  return { redis, ...settings, limiter, plans, options };
}

/** One selling partner's gateway, from its credentials and endpoint. */
export function createGateway(services: GatewayServices, account: AmazonAccount): SpApiGateway {
  const { options, redis } = services;
  const logger: Logger = account.logger;
  const client = new SpClient({
    region: account.region,
    target: parseEndpoint(account.endpoint),
    credentials: account.credentials,
    timeouts: { responseMs: options.responseTimeoutMs, deadlineMs: options.deadlineTimeoutMs },
  });
  const tokens = new TokenCache({
    redis,
    prefix: services.redisPrefix,
    keyring: services.keyring,
    accountId: account.id,
    refreshToken: account.credentials.refreshToken,
    exchange: async () => {
      const token = await client.exchangeToken();
      // Recording it must not cost the call its token.
      await account.events?.credentialsAccepted?.().catch((err: unknown) => {
        logger.warn({ err, event: 'credentialsAccepted' }, 'recording an amazon account event failed');
      });
      return token;
    },
  });
  // Amazon limits per (selling partner, application, operation): the bucket is shared by every
  // account and process calling for that seller with that application.
  const bucketPrefix = `${account.region}:${account.sellerId}:${digest(account.credentials.lwaClientId)}`;
  const { limiter, plans } = services;
  const context = {
    client,
    tokens,
    limiter,
    bucketPrefix,
    policy: options.retry,
    plans,
    logger,
    events: account.events,
    succeeded: new Set<string>(),
  };
  const transfers = { policy: options.retry, timeoutMs: options.deadlineTimeoutMs, logger };
  return new SpApiGateway(context, transfers, logger);
}
