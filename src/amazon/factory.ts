import { createHash } from 'node:crypto';
import {
  getCompany,
  getCompanyCredentials,
  type CompanyCredentials,
} from '../companies/companies.service.js';
import type { Region } from '../companies/companies.table.js';
import type { Keyring } from '../shared/crypto.js';
import type { Config } from '../config.js';
import type { Db } from '../db/client.js';
import type { Logger } from '../shared/logger.js';
import type { Redis } from '../shared/redis.js';
import { DEFAULT_RETRY_POLICY, type OperationPlan, type RetryPolicy } from './call.js';
import { parseEndpoint } from './endpoint.js';
import { SpApiGateway } from './gateway.js';
import type { AmazonPort, AmazonPortFactory } from './port.js';
import { RedisRateLimiter, type BucketPlan } from './rate-limiter.js';
import { OPERATIONS, type OperationName } from './operations.js';
import { SpClient } from './sp-client.js';
import { TokenCache } from './token-cache.js';

export interface AmazonDependencies {
  config: Config;
  db: Db;
  redis: Redis;
  logger: Logger;
}

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

export interface GatewayCompany {
  id: number;
  sellerId: string;
  region: Region;
  endpoint: string;
}

export interface GatewayServices {
  redis: Redis;
  redisPrefix: string;
  keyring: Keyring;
  logger: Logger;
  limiter: RedisRateLimiter;
  plans: Record<OperationName, OperationPlan>;
  options: AmazonGatewayOptions;
}

export function resolveOptions(overrides: Partial<AmazonGatewayOptions>): AmazonGatewayOptions {
  return { ...DEFAULT_GATEWAY_OPTIONS, ...overrides };
}

export function createGatewayServices(
  redis: Redis,
  settings: { redisPrefix: string; keyring: Keyring; logger: Logger },
  options: AmazonGatewayOptions,
): GatewayServices {
  const plans = {} as Record<OperationName, OperationPlan>;
  for (const name of Object.keys(OPERATIONS) as OperationName[]) {
    plans[name] = { ...OPERATIONS[name], ...options.ratePlans[name] };
  }
  const limiter = new RedisRateLimiter(redis, settings.redisPrefix, { paceFactor: options.paceFactor });
  return { redis, ...settings, limiter, plans, options };
}

/** One company's gateway from its settings and decrypted credentials. */
export function createGateway(
  services: GatewayServices,
  company: GatewayCompany,
  credentials: CompanyCredentials,
): SpApiGateway {
  const { options, redis } = services;
  const logger = services.logger.child({ companyId: company.id, sellerId: company.sellerId });
  const client = new SpClient({
    region: company.region,
    target: parseEndpoint(company.endpoint),
    credentials,
    timeouts: { responseMs: options.responseTimeoutMs, deadlineMs: options.deadlineTimeoutMs },
  });
  const tokens = new TokenCache({
    redis,
    prefix: services.redisPrefix,
    keyring: services.keyring,
    companyId: company.id,
    refreshToken: credentials.refreshToken,
    exchange: () => client.exchangeToken(),
  });
  // Amazon limits per (selling partner, application, operation): the bucket is shared by every
  // company row and process calling for that seller with that application.
  const bucketPrefix = `${company.region}:${company.sellerId}:${digest(credentials.lwaClientId)}`;
  const { limiter, plans } = services;
  const context = { client, tokens, limiter, bucketPrefix, policy: options.retry, plans, logger };
  const transfers = { policy: options.retry, timeoutMs: options.deadlineTimeoutMs, logger };
  return new SpApiGateway(company.id, context, transfers, logger);
}

/** Builds each company's Amazon port from its stored (decrypted) credentials and endpoint. */
export function createAmazonPortFactory(
  dependencies: AmazonDependencies,
  overrides: Partial<AmazonGatewayOptions> = {},
): AmazonPortFactory {
  const { config, db, redis, logger } = dependencies;
  const services = createGatewayServices(
    redis,
    { redisPrefix: config.redisPrefix, keyring: config.keyring, logger },
    resolveOptions(overrides),
  );
  // A company's port lives while its row is unchanged (new credentials or endpoint change updated_at).
  const ports = new Map<number, { version: number; port: SpApiGateway }>();
  return {
    async forCompany(companyId: number, signal?: AbortSignal): Promise<AmazonPort> {
      const company = await getCompany(db, companyId);
      const cached = ports.get(companyId);
      if (cached?.version === company.updatedAt.getTime()) return cached.port.withSignal(signal);
      const credentials = await getCompanyCredentials(db, config.keyring, companyId);
      const port = createGateway(services, company, credentials);
      ports.set(companyId, { version: company.updatedAt.getTime(), port });
      return port.withSignal(signal);
    },
  };
}
