import type { AccountEvents, AmazonAccount } from '../amazon/account.js';
import type { AmazonError } from '../amazon/errors.js';
import {
  createGateway,
  createGatewayServices,
  resolveOptions,
  type AmazonGatewayOptions,
} from '../amazon/factory.js';
import type { SpApiGateway } from '../amazon/gateway.js';
import type { AmazonPort } from '../amazon/port.js';
import type { Config } from '../config.js';
import type { Db } from '../db/client.js';
import type { Logger } from '../shared/logger.js';
import type { Redis } from '../shared/redis.js';
import {
  getCompany,
  getCompanyCredentials,
  markAuthorized,
  markNeedsReauthorization,
  type Company,
} from './companies.service.js';
import { clearOperationProblem, recordOperationProblem } from './operation-problems.repository.js';

/** Gives the port of one company; the daemon builds one factory and hands it to every job. */
export interface AmazonPortFactory {
  /** With `signal`, the port's calls, waits and document transfers end as soon as it aborts. */
  forCompany(companyId: number, signal?: AbortSignal): Promise<AmazonPort>;
}

export interface AmazonDependencies {
  config: Config;
  db: Db;
  /** A fail-fast connection (createFailFastRedis) for the rate limiter and the token cache. */
  redis: Redis;
  logger: Logger;
}

/** What the gateway reports about a company's account, recorded on the company. */
function companyEvents(db: Db, company: Company, logger: Logger): AccountEvents {
  return {
    async authorizationRevoked(error: AmazonError) {
      if (await markNeedsReauthorization(db, company.id, error.message)) {
        logger.error(
          { err: error },
          'amazon authorization revoked: company needs reauthorization; its jobs are paused',
        );
      }
    },
    async operationForbidden(operation: string, error: AmazonError) {
      await recordOperationProblem(db, company.id, {
        operation,
        problem: error.details ? `${error.message} (${error.details})` : error.message,
        status: error.status ?? null,
      });
      logger.warn(
        { operation, status: error.status, code: error.code },
        'amazon refused this operation to the company (a role may be missing); other operations go on',
      );
    },
    async operationSucceeded(operation: string) {
      await clearOperationProblem(db, company.id, operation);
    },
    async credentialsAccepted() {
      if (await markAuthorized(db, company.id)) {
        logger.info('amazon accepted the credentials: the company is active');
      }
    },
  };
}

/** Resolves a company into the gateway's account: decrypted credentials, endpoint, and what to record. */
export function createAmazonPortFactory(
  dependencies: AmazonDependencies,
  overrides: Partial<AmazonGatewayOptions> = {},
): AmazonPortFactory {
  const { config, db, redis, logger } = dependencies;
  const services = createGatewayServices(
    redis,
    { redisPrefix: config.redisPrefix, keyring: config.keyring },
    resolveOptions(overrides),
  );
  // A company's port lives while its row is unchanged (new credentials or endpoint change updated_at).
  const ports = new Map<number, { version: number; port: SpApiGateway }>();
  return {
    async forCompany(companyId: number, signal?: AbortSignal): Promise<AmazonPort> {
      const company = await getCompany(db, companyId);
      const cached = ports.get(companyId);
      if (cached?.version === company.updatedAt.getTime()) return cached.port.withSignal(signal);
      const companyLogger = logger.child({ companyId: company.id, sellerId: company.sellerId });
      const account: AmazonAccount = {
        id: String(company.id),
        sellerId: company.sellerId,
        region: company.region,
        endpoint: company.endpoint,
        credentials: await getCompanyCredentials(db, config.keyring, companyId),
        logger: companyLogger,
        events: companyEvents(db, company, companyLogger),
      };
      const port = createGateway(services, account);
      ports.set(companyId, { version: company.updatedAt.getTime(), port });
      return port.withSignal(signal);
    },
  };
}
