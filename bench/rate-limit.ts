/**
 * Two processes calling one seller's operation against a fake Amazon that enforces the operation's token
 * bucket (scaled so a run takes seconds): once through sellersync's gateway (shared Redis bucket), once
 * through `amazon-sp-api` with its own `auto_request_throttled` retry. Prints one JSON line last:
 * {"sellersync":{calls,throttled,allowed_max,achieved_ratio},"amazon_sp_api":{…}}.
 *   calls          successful calls
 *   throttled      429s the fake Amazon answered
 *   allowed_max    most calls the bucket allows in the run: burst + rate × elapsed
 *   achieved_ratio successful calls per second / allowed calls per second (= calls / allowed_max)
 * Usage: npm run bench:rate-limit [-- --rate 10 --burst 30 --calls 120]
 */
import { execFile } from 'node:child_process';
import { createRequire } from 'node:module';
import { promisify } from 'node:util';
import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import { BaseUrlAgent } from '../src/amazon/endpoint.js';
import { loadConfig } from '../src/config.js';
import { createGateway, createGatewayServices, resolveOptions } from '../src/amazon/factory.js';
import { parseKeyring } from '../src/shared/crypto.js';
import { createLogger } from '../src/shared/logger.js';
import { createFailFastRedis, createRedis } from '../src/shared/redis.js';
import { FakeAmazon } from '../test/amazon/fake-amazon.js';

const run = promisify(execFile);
const CONCURRENCY = 4;
const SELLER = { id: 'bench', sellerId: 'A2BENCHSELLER1', region: 'na' as const };
const CREDENTIALS = {
  lwaClientId: 'amzn1.application-oa2-client.bench',
  lwaClientSecret: 'secret',
  refreshToken: 'Atzr|bench',
};

interface WorkerResult {
  ok: number;
  failed: number;
  startedAt: number;
  finishedAt: number;
}

interface Figures {
  calls: number;
  throttled: number;
  allowed_max: number;
  achieved_ratio: number;
}

/** Runs `calls` calls with a few in flight at once, like a worker with concurrency. */
async function drive(calls: number, call: (n: number) => Promise<unknown>): Promise<WorkerResult> {
  let next = 0;
  const result: WorkerResult = { ok: 0, failed: 0, startedAt: Date.now(), finishedAt: 0 };
  const lane = async () => {
    while (next < calls) {
      const n = next++;
      try {
        await call(n);
        result.ok += 1;
      } catch (err) {
        result.failed += 1;
        process.stderr.write(`call ${n} failed: ${(err as Error).message}\n`);
      }
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, lane));
  result.finishedAt = Date.now();
  return result;
}

async function sellersyncWorker(
  base: string,
  calls: number,
  rate: number,
  burst: number,
  prefix: string,
  key: string,
) {
  const redis = createFailFastRedis(loadConfig().redisUrl);
  const services = createGatewayServices(
    redis,
    { redisPrefix: prefix, keyring: parseKeyring('bench', key, '') },
    resolveOptions({ ratePlans: { getOrder: { rate, burst } } }),
  );
  const port = createGateway(services, {
    ...SELLER,
    endpoint: base,
    credentials: CREDENTIALS,
    logger: createLogger({ level: 'error', pretty: false }),
  });
  const result = await drive(calls, (n) => port.getOrder(`111-${process.pid}-${n}`));
  await redis.quit();
  return result;
}

async function packageWorker(base: string, calls: number, rate: number) {
  const require = createRequire(import.meta.url);
  const { SellingPartner } = require('amazon-sp-api') as {
    SellingPartner: new (config: object) => { callAPI(p: object): Promise<unknown> };
  };
  const client = new SellingPartner({
    region: 'na',
    refresh_token: CREDENTIALS.refreshToken,
    credentials: {
      SELLING_PARTNER_APP_CLIENT_ID: CREDENTIALS.lwaClientId,
      SELLING_PARTNER_APP_CLIENT_SECRET: CREDENTIALS.lwaClientSecret,
    },
    options: {
      auto_request_throttled: true,
      debug_log: false,
      https_proxy_agent: new BaseUrlAgent(new URL(base)),
    },
  });
  // The package waits its operation's restore rate after a 429; scaled like the bucket, to be fair.
  const options = { version: '2026-01-01', restore_rate: 1 / rate };
  return drive(calls, (n) =>
    client.callAPI({
      operation: 'getOrder',
      endpoint: 'orders',
      path: { orderId: `111-${process.pid}-${n}` },
      options,
    }),
  );
}

async function measure(
  mode: 'sellersync' | 'package',
  settings: { rate: number; burst: number; calls: number },
): Promise<Figures> {
  const fake = new FakeAmazon({
    bucket: { rate: settings.rate, burst: settings.burst },
    rateLimitHeader: String(settings.rate),
  });
  const base = await fake.start();
  const prefix = `bench-${randomBytes(4).toString('hex')}`;
  const key = randomBytes(32).toString('hex');
  const args = [
    '--import',
    'tsx',
    new URL(import.meta.url).pathname,
    'worker',
    mode,
    base,
    String(settings.calls),
    String(settings.rate),
    String(settings.burst),
    prefix,
    key,
  ];
  const outputs = await Promise.all([1, 2].map(() => run(process.execPath, args, { maxBuffer: 1 << 24 })));
  await fake.stop();
  const redis = createRedis(loadConfig().redisUrl);
  const keys = await redis.keys(`${prefix}:*`);
  if (keys.length > 0) await redis.del(...keys);
  await redis.quit();
  const results = outputs.map(
    (output) => JSON.parse(output.stdout.trim().split('\n').pop()!) as WorkerResult,
  );
  const elapsedSeconds =
    (Math.max(...results.map((r) => r.finishedAt)) - Math.min(...results.map((r) => r.startedAt))) / 1000;
  const calls = results.reduce((sum, r) => sum + r.ok, 0);
  const allowedMax = Math.floor(settings.burst + settings.rate * elapsedSeconds);
  process.stderr.write(
    `${mode}: ${calls} calls in ${elapsedSeconds.toFixed(2)} s, ${fake.throttled} throttled, ${results.reduce((s, r) => s + r.failed, 0)} failed\n`,
  );
  return {
    calls,
    throttled: fake.throttled,
    allowed_max: allowedMax,
    achieved_ratio: Number((calls / allowedMax).toFixed(3)),
  };
}

async function main() {
  const [command, ...rest] = process.argv.slice(2);
  if (command === 'worker') {
    const [mode, base, calls, rate, burst, prefix, key] = rest as [
      string,
      string,
      string,
      string,
      string,
      string,
      string,
    ];
    const result =
      mode === 'sellersync'
        ? await sellersyncWorker(base, Number(calls), Number(rate), Number(burst), prefix, key)
        : await packageWorker(base, Number(calls), Number(rate));
    process.stdout.write(`${JSON.stringify(result)}\n`);
    return;
  }
  const { values } = parseArgs({
    args: process.argv.slice(2),
    options: {
      rate: { type: 'string', default: '10' },
      burst: { type: 'string', default: '30' },
      calls: { type: 'string', default: '120' },
    },
  });
  const settings = { rate: Number(values.rate), burst: Number(values.burst), calls: Number(values.calls) };
  process.stderr.write(
    `fake Amazon bucket: ${settings.rate}/s, burst ${settings.burst}; 2 processes × ${settings.calls} getOrder calls\n`,
  );
  const sellersync = await measure('sellersync', settings);
  const amazonSpApi = await measure('package', settings);
  process.stdout.write(`${JSON.stringify({ sellersync, amazon_sp_api: amazonSpApi })}\n`);
}

await main();
