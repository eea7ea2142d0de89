import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { AmazonGatewayOptions } from '../../src/amazon/factory.js';
import { createAmazonPortFactory, type AmazonPortFactory } from '../../src/companies/companies.amazon.js';
import { createCompany, type Company } from '../../src/companies/companies.service.js';
import type { TestContext } from '../helpers/context.js';

/** Amazon's own `x-amzn-api-sandbox` examples, straight from the models beside the repository. */
const MODELS = resolve(process.cwd(), '../shared/amazon/models');

interface SandboxExample {
  parameters: Record<string, unknown>;
  response: unknown;
}

interface ModelOperation {
  operationId?: string;
  responses: Record<
    string,
    {
      'x-amzn-api-sandbox'?: {
        static?: { request: { parameters: Record<string, { value: unknown }> }; response?: unknown }[];
      };
    }
  >;
}

export function sandboxExample(
  model: string,
  operationId: string,
  status: string,
  index = 0,
): SandboxExample {
  const document = JSON.parse(readFileSync(resolve(MODELS, model), 'utf8')) as {
    paths: Record<string, Record<string, ModelOperation>>;
  };
  for (const operations of Object.values(document.paths)) {
    for (const operation of Object.values(operations)) {
      if (operation.operationId !== operationId) continue;
      const example = operation.responses[status]?.['x-amzn-api-sandbox']?.static?.[index];
      if (!example) break;
      const parameters = Object.fromEntries(
        Object.entries(example.request.parameters).map(([name, parameter]) => [name, parameter.value]),
      );
      return { parameters, response: example.response };
    }
  }
  throw new Error(`no sandbox example ${model} ${operationId} ${status} #${index}`);
}

export const TEST_CREDENTIALS = {
  lwaClientId: 'amzn1.application-oa2-client.test0001',
  lwaClientSecret: 'amzn1.oa2-cs.v1.test-secret',
  refreshToken: 'Atzr|test-refresh-token',
};

/** Waits and retries shortened so that tests exercise every path in seconds. */
export const FAST_GATEWAY: Partial<AmazonGatewayOptions> = {
  retry: {
    maxInlineWaitMs: 5_000,
    throttleRetries: 3,
    transientRetries: 2,
    transientBaseDelayMs: 20,
    transientMaxDelayMs: 100,
  },
  responseTimeoutMs: 2_000,
  deadlineTimeoutMs: 5_000,
};

let sellerCounter = 0;

/** A marketplace of each region: US, DE, JP. */
const REGION_MARKETPLACE = { na: 'ATVPDKIKX0DER', eu: 'A1PA6795UKMFR9', fe: 'A1VC38T7YXB528' } as const;

export async function createAmazonCompany(
  context: TestContext,
  settings: { region?: 'na' | 'eu' | 'fe'; endpoint?: string; sellerId?: string; refreshToken?: string } = {},
): Promise<Company> {
  sellerCounter += 1;
  return createCompany(context.db, context.config.keyring, {
    name: `Seller ${sellerCounter}`,
    sellerId: settings.sellerId ?? `A2TEST${process.pid}X${sellerCounter}`.slice(0, 20),
    region: settings.region ?? 'na',
    marketplaceIds: [REGION_MARKETPLACE[settings.region ?? 'na']],
    endpoint: settings.endpoint ?? 'live',
    allowOrderDownload: true,
    ...TEST_CREDENTIALS,
    ...(settings.refreshToken === undefined ? {} : { refreshToken: settings.refreshToken }),
  });
}

export function gatewayFactory(
  context: TestContext,
  options: Partial<AmazonGatewayOptions> = {},
): AmazonPortFactory {
  return createAmazonPortFactory(
    { config: context.config, db: context.db, redis: context.gatewayRedis, logger: context.logger },
    { ...FAST_GATEWAY, ...options },
  );
}
