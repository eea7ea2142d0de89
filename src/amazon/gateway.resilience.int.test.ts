import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '../../test/helpers/context.js';
import { TEST_REDIS_URL } from '../../test/helpers/settings.js';
import { createAmazonCompany, FAST_GATEWAY, TEST_CREDENTIALS } from '../../test/amazon/helpers.js';
import { FakeAmazon } from '../../test/amazon/fake-amazon.js';
import { createRedis, type Redis } from '../shared/redis.js';
import { AmazonError } from './errors.js';
import { createAmazonPortFactory } from '../companies/companies.amazon.js';
import type { AmazonGatewayOptions } from './factory.js';
import type { AmazonPort } from './port.js';

/** The gateway against a fake Amazon on loopback (reached through the company's base-URL endpoint) and the real Redis. */

let context: TestContext;
let fake: FakeAmazon;
let base: string;
const extraConnections: Redis[] = [];

function factoryOn(redis: Redis, options: Partial<AmazonGatewayOptions> = {}) {
  return createAmazonPortFactory(
    { config: context.config, db: context.db, redis, logger: context.logger },
    { ...FAST_GATEWAY, ...options },
  );
}

/** A second "process": its own Redis connection and its own gateway instance, sharing only Redis. */
function otherProcessFactory(options: Partial<AmazonGatewayOptions> = {}) {
  const redis = createRedis(TEST_REDIS_URL);
  extraConnections.push(redis);
  return factoryOn(redis, options);
}

async function portFor(options: Partial<AmazonGatewayOptions> = {}): Promise<AmazonPort> {
  const company = await createAmazonCompany(context, { endpoint: base });
  return factoryOn(context.redis, options).forCompany(company.id);
}

const failureOf = (promise: Promise<unknown>) =>
  promise.then(
    () => undefined,
    (err: unknown) => err as AmazonError,
  );

beforeAll(async () => {
  context = await createTestContext();
});

beforeEach(async () => {
  fake = new FakeAmazon();
  base = await fake.start();
});

afterEach(async () => {
  await fake.stop();
});

afterAll(async () => {
  await Promise.all(extraConnections.map((redis) => redis.quit()));
  await context.cleanup();
});

describe('shared rate limit', () => {
  it('two gateway instances calling for one seller never exceed Amazon’s bucket', async () => {
    await fake.stop();
    fake = new FakeAmazon({ bucket: { rate: 10, burst: 5 } });
    base = await fake.start();
    const plan = { ratePlans: { getOrder: { rate: 10, burst: 5 } } };
    const company = await createAmazonCompany(context, { endpoint: base });
    const first = await factoryOn(context.redis, plan).forCompany(company.id);
    const second = await otherProcessFactory(plan).forCompany(company.id);

    const started = Date.now();
    const calls = Array.from({ length: 30 }, (_, i) =>
      (i % 2 === 0 ? first : second).getOrder(`111-0000000-00000${10 + i}`),
    );
    const orders = await Promise.all(calls);
    const elapsed = Date.now() - started;

    expect(orders).toHaveLength(30);
    expect(fake.throttled).toBe(0);
    expect(fake.apiRequests()).toHaveLength(30);
    // 4 from the burst (one is kept in reserve), 26 more at a little under 10 per second.
    expect(elapsed).toBeGreaterThanOrEqual(2_400);
    expect(fake.tokenRequests()).toHaveLength(1);
  });

  it('adopts the rate announced in x-amzn-RateLimit-Limit for every later call', async () => {
    await fake.stop();
    fake = new FakeAmazon({ rateLimitHeader: '4' });
    base = await fake.start();
    const port = await portFor({ ratePlans: { getOrder: { rate: 100, burst: 1 } } });
    await port.getOrder('111-0000000-0000001');
    const started = Date.now();
    await Promise.all([2, 3, 4, 5].map((n) => port.getOrder(`111-0000000-000000${n}`)));
    // At the plan's 100/s these would take ~40 ms; at the announced 4/s, ~1 s.
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
    const rateKeys = await context.redis.keys(`${context.config.redisPrefix}:amazon:rate:*getOrder}`);
    expect(await context.redis.get(rateKeys[0]!)).toBe('4');
  });

  it('adopts the announced rate again after Redis lost it (restarted, flushed), not an hour later', async () => {
    await fake.stop();
    fake = new FakeAmazon({ rateLimitHeader: '4' });
    base = await fake.start();
    const company = await createAmazonCompany(context, { endpoint: base });
    const port = await factoryOn(context.redis, {
      ratePlans: { getOrder: { rate: 100, burst: 1 } },
    }).forCompany(company.id);
    await port.getOrder('111-0000000-0000011');
    // This company's key: the earlier tests' companies have theirs too.
    const [rateKey = ''] = await context.redis.keys(
      `${context.config.redisPrefix}:amazon:rate:*${company.sellerId}*getOrder}`,
    );
    expect(await context.redis.get(rateKey)).toBe('4');
    await context.redis.del(rateKey, rateKey.replace(':amazon:rate:', ':amazon:bucket:'));
    await port.getOrder('111-0000000-0000012');
    expect(await context.redis.get(rateKey)).toBe('4');
  });

  it('after Redis lost the adopted rate, a 429 (which carries no rate) backs off at the rate still known', async () => {
    await fake.stop();
    fake = new FakeAmazon({ rateLimitHeader: '4' });
    base = await fake.start();
    // The plan's default: a slot every 100 s, beyond the wait allowed in-process.
    const company = await createAmazonCompany(context, { endpoint: base });
    const port = await factoryOn(context.redis, {
      ratePlans: { getOrder: { rate: 0.01, burst: 2 } },
    }).forCompany(company.id);
    await port.getOrder('111-0000000-0000021');
    const [rateKey = ''] = await context.redis.keys(
      `${context.config.redisPrefix}:amazon:rate:*${company.sellerId}*getOrder}`,
    );
    expect(await context.redis.get(rateKey)).toBe('4');
    await context.redis.del(rateKey, rateKey.replace(':amazon:rate:', ':amazon:bucket:'));
    fake.script('GET', '/orders/2026-01-01/orders/111-0000000-0000022', {
      status: 429,
      body: {
        errors: [{ code: 'QuotaExceeded', message: 'You exceeded your quota for the requested resource.' }],
      },
    });
    await port.getOrder('111-0000000-0000022');
    const [, refused, retried] = fake.apiRequests();
    // 1/4 s (and its jitter), not the plan's 100 s.
    expect(retried!.at - refused!.at).toBeGreaterThanOrEqual(250);
    expect(retried!.at - refused!.at).toBeLessThan(250 * 1.5 + 300);
    expect(await context.redis.get(rateKey)).toBe('4');
  });
});

describe('throttling', () => {
  const quotaExceeded = {
    errors: [{ code: 'QuotaExceeded', message: 'You exceeded your quota for the requested resource.' }],
  };

  it('after a 429 without the header, waits at least 1/rate of the plan, then succeeds', async () => {
    const port = await portFor({ ratePlans: { getOrder: { rate: 4, burst: 10 } } });
    fake.script('GET', '/orders/2026-01-01/orders/111-0000000-0000429', { status: 429, body: quotaExceeded });
    await port.getOrder('111-0000000-0000429');
    const [refused, retried] = fake.apiRequests();
    expect(retried!.at - refused!.at).toBeGreaterThanOrEqual(250);
    expect(retried!.at - refused!.at).toBeLessThan(250 * 1.5 + 300);
  });

  it('after a 429 carrying x-amzn-RateLimit-Limit, waits at least 1/that rate', async () => {
    const port = await portFor({ ratePlans: { getOrder: { rate: 50, burst: 10 } } });
    fake.script('GET', '/orders/2026-01-01/orders/111-0000000-0000430', {
      status: 429,
      body: quotaExceeded,
      headers: { 'x-amzn-RateLimit-Limit': '2' },
    });
    await port.getOrder('111-0000000-0000430');
    const [refused, retried] = fake.apiRequests();
    expect(retried!.at - refused!.at).toBeGreaterThanOrEqual(500);
  });

  it('sustained throttling gives up after the bounded retries as throttled, with when to come back', async () => {
    const port = await portFor({ ratePlans: { getOrder: { rate: 20, burst: 10 } } });
    const replies = Array.from({ length: 10 }, () => ({ status: 429, body: quotaExceeded }));
    fake.script('GET', '/orders/2026-01-01/orders/111-0000000-0000431', ...replies);
    const error = await failureOf(port.getOrder('111-0000000-0000431'));
    expect(error).toBeInstanceOf(AmazonError);
    expect(error).toMatchObject({ kind: 'throttled', status: 429, code: 'QuotaExceeded' });
    expect(error!.retryAfterMs).toBeGreaterThanOrEqual(50);
    expect(fake.apiRequests()).toHaveLength(1 + FAST_GATEWAY.retry!.throttleRetries);
  });

  it('a wait longer than allowed in-process is not sent at all: throttled with retryAfterMs', async () => {
    const port = await portFor({ ratePlans: { getOrder: { rate: 0.1, burst: 1 } } });
    await port.getOrder('111-0000000-0000432');
    const error = await failureOf(port.getOrder('111-0000000-0000433'));
    expect(error).toMatchObject({ kind: 'throttled' });
    expect(error!.retryAfterMs).toBeGreaterThan(5_000);
    expect(fake.apiRequests()).toHaveLength(1);
  });
});

describe('transient failures', () => {
  it('retries 5xx with back-off and succeeds', async () => {
    const port = await portFor();
    fake.script(
      'GET',
      '/orders/2026-01-01/orders/111-0000000-0000503',
      { status: 503, body: 'Service Unavailable' },
      {
        status: 500,
        body: { errors: [{ code: 'InternalFailure', message: 'We encountered an internal error.' }] },
      },
    );
    await expect(port.getOrder('111-0000000-0000503')).resolves.toMatchObject({
      orderId: '111-0000000-0000503',
    });
    expect(fake.apiRequests()).toHaveLength(3);
  });

  it('gives up on a persistent 5xx as transient after the bounded retries', async () => {
    const port = await portFor();
    const replies = Array.from({ length: 10 }, () => ({
      status: 500,
      body: { errors: [{ code: 'InternalFailure', message: 'We encountered an internal error.' }] },
    }));
    fake.script('GET', '/orders/2026-01-01/orders/111-0000000-0000500', ...replies);
    const error = await failureOf(port.getOrder('111-0000000-0000500'));
    expect(error).toMatchObject({ kind: 'transient', status: 500, code: 'InternalFailure' });
    expect(fake.apiRequests()).toHaveLength(1 + FAST_GATEWAY.retry!.transientRetries);
  });

  it('does not resend createFeed after a lost answer: Amazon may have created the feed', async () => {
    const port = await portFor();
    fake.script(
      'POST',
      '/feeds/2021-06-30/feeds',
      { status: 503, body: 'Service Unavailable' },
      { status: 202, body: { feedId: 'F2' } },
    );
    const error = await failureOf(
      port.createFeed({
        feedType: 'POST_ORDER_FULFILLMENT_DATA',
        marketplaceIds: ['ATVPDKIKX0DER'],
        inputFeedDocumentId: 'D1',
      }),
    );
    expect(error).toMatchObject({ kind: 'transient', status: 503, operation: 'createFeed' });
    expect(fake.apiRequests('/feeds')).toHaveLength(1);
  });

  it('a response that never comes is a timeout: retried, then transient', async () => {
    const port = await portFor({ responseTimeoutMs: 200 });
    const replies = Array.from({ length: 5 }, () => ({ status: 200, body: {}, delayMs: 1_000 }));
    fake.script('GET', '/orders/2026-01-01/orders/111-0000000-0000408', ...replies);
    const error = await failureOf(port.getOrder('111-0000000-0000408'));
    expect(error).toMatchObject({ kind: 'transient', code: 'API_RESPONSE_TIMEOUT' });
    expect(fake.apiRequests()).toHaveLength(1 + FAST_GATEWAY.retry!.transientRetries);
  });
});

describe('access tokens', () => {
  const expired = {
    errors: [
      {
        code: 'Unauthorized',
        message: 'Access to requested resource is denied.',
        details: 'The access token you provided has expired.',
      },
    ],
  };
  const denied = {
    errors: [{ code: 'Unauthorized', message: 'Access to requested resource is denied.', details: '' }],
  };

  it('one token exchange serves many calls and both processes; the cached token is encrypted', async () => {
    const company = await createAmazonCompany(context, { endpoint: base });
    const first = await factoryOn(context.redis).forCompany(company.id);
    const second = await otherProcessFactory().forCompany(company.id);
    await Promise.all([1, 2, 3, 4].map((n) => (n % 2 ? first : second).getOrder(`111-0000000-000010${n}`)));
    expect(fake.tokenRequests()).toHaveLength(1);
    expect(JSON.parse(fake.tokenRequests()[0]!.body)).toEqual({
      client_id: TEST_CREDENTIALS.lwaClientId,
      client_secret: TEST_CREDENTIALS.lwaClientSecret,
      grant_type: 'refresh_token',
      refresh_token: TEST_CREDENTIALS.refreshToken,
    });
    const keys = await context.redis.keys(`${context.config.redisPrefix}:amazon:lwa:${company.id}:*`);
    expect(keys).toHaveLength(1);
    const stored = await context.redis.get(keys[0]!);
    expect(stored).not.toContain('Atza|fake');
    expect(fake.apiRequests().every((r) => r.headers['x-amz-access-token'] === 'Atza|fake-1')).toBe(true);
  });

  it('an expired token is refreshed once and the call retried with the new one', async () => {
    const port = await portFor();
    fake.script('GET', '/orders/2026-01-01/orders/111-0000000-0000403', { status: 403, body: expired });
    await expect(port.getOrder('111-0000000-0000403')).resolves.toMatchObject({
      orderId: '111-0000000-0000403',
    });
    expect(fake.tokenRequests()).toHaveLength(2);
    expect(fake.apiRequests().map((r) => r.headers['x-amz-access-token'])).toEqual([
      'Atza|fake-1',
      'Atza|fake-2',
    ]);
  });

  it('a token still refused as expired after one refresh is token_expired, without a loop', async () => {
    const port = await portFor();
    fake.script(
      'GET',
      '/orders/2026-01-01/orders/111-0000000-0000404',
      { status: 403, body: expired },
      { status: 403, body: expired },
    );
    const error = await failureOf(port.getOrder('111-0000000-0000404'));
    expect(error).toMatchObject({ kind: 'token_expired', status: 403 });
    expect(fake.apiRequests()).toHaveLength(2);
  });

  it('a 403 without a word about the token that a fresh token does not cure is forbidden (that operation only)', async () => {
    const port = await portFor();
    fake.script(
      'GET',
      '/orders/2026-01-01/orders/111-0000000-0000405',
      { status: 403, body: denied },
      { status: 403, body: denied },
    );
    const error = await failureOf(port.getOrder('111-0000000-0000405'));
    expect(error).toMatchObject({
      kind: 'forbidden',
      status: 403,
      code: 'Unauthorized',
      operation: 'getOrder',
    });
    expect(fake.tokenRequests()).toHaveLength(2);
  });

  it('invalid_grant from the token endpoint is authorization_revoked, and nothing is sent to SP-API', async () => {
    const port = await portFor();
    fake.script('POST', '/auth/o2/token', {
      status: 400,
      body: {
        error: 'invalid_grant',
        error_description: 'The request has an invalid grant parameter : refresh_token',
      },
    });
    const error = await failureOf(port.getOrder('111-0000000-0000406'));
    expect(error).toMatchObject({
      kind: 'authorization_revoked',
      code: 'invalid_grant',
      operation: 'lwaTokenExchange',
    });
    expect(fake.apiRequests()).toHaveLength(0);
  });
});
