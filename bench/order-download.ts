/**
 * One company with N orders of mixed kinds waiting on the marketplace simulator (a backfill): one
 * `sellersync run order-download`, in a child process, against the simulator running in this process.
 * Prints one JSON line last:
 *   orders               orders Amazon has for the run's window (checked: all stored)
 *   plan                 the plan the run chose (search | report)
 *   wall_s               the run's duration (its job_runs row, start to finish)
 *   floor_s              the least time Amazon's usage plans and the simulator's report delay allow the chosen plan
 *   other_floor_s        the same for the other plan
 *   ratio                wall_s / floor_s (null when the floor is under a second)
 *   calls_per_order      SP-API calls (token exchanges excluded) per order
 *   throttled            429 answers received
 *   ingest_orders_per_s  orders (with their items and events) written per second of database time
 *   peak_rss_mb          peak resident memory of the download process
 * Usage: npm run bench:order-download [-- --orders 10000 --time-scale 1 --days 6]
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { createCompany } from '../src/companies/companies.service.js';
import { loadConfig, readEnvironment } from '../src/config.js';
import { createDb, ensureDatabaseExists } from '../src/db/client.js';
import { migrateToLatest } from '../src/db/migrate.js';
import { reportFloorSeconds, searchFloorSeconds, type PlanInputs } from '../src/orders/download-plan.js';
import { needsBuyerData } from '../src/orders/order-draft.js';
import { createRedis } from '../src/shared/redis.js';
import { HOUR, MINUTE } from '../src/simulator/clock.js';
import { createOrder, randomSpec } from '../src/simulator/generator.js';
import { shipOrder } from '../src/simulator/order-actions.js';
import { startSimulator } from '../src/simulator/server.js';
import { DEFAULT_SELLER, type Simulation } from '../src/simulator/simulation.js';
import { USAGE_PLANS } from '../src/simulator/usage-plans.js';

const { values } = parseArgs({
  options: {
    orders: { type: 'string', default: '10000' },
    'time-scale': { type: 'string', default: '1' },
    days: { type: 'string', default: '6' },
  },
});
const ORDERS = Number(values.orders);
const TIME_SCALE = Number(values['time-scale']);
const DAYS = Number(values.days);
const BASE_URL = readEnvironment().BENCH_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

function databaseUrl(name: string): string {
  const url = new URL(BASE_URL);
  url.pathname = `/${name}`;
  return url.toString();
}

/** Orders spread over the last DAYS days; seller-fulfilled ones older than a day were shipped by the seller. */
function placeBacklog(sim: Simulation): void {
  const step = (DAYS * 24 * HOUR) / ORDERS;
  for (let i = 0; i < ORDERS; i++) {
    createOrder(sim, { ...randomSpec(sim), sellerId: DEFAULT_SELLER.sellerId }, sim.now());
    sim.advance(step);
  }
  const shipBefore = sim.now().getTime() - 24 * HOUR;
  for (const order of sim.store.orders.values()) {
    if (order.fulfilledBy !== 'MERCHANT' || order.createdTime.getTime() > shipBefore) continue;
    if (order.status !== 'UNSHIPPED') continue;
    const at = new Date(order.createdTime.getTime() + 20 * HOUR);
    shipOrder(
      sim.store,
      order,
      { carrier: 'UPS', trackingNumber: `1Z${order.orderId.replace(/-/g, '')}`, shipTime: at },
      at,
    );
  }
  sim.advance(5 * MINUTE);
}

/** Peak resident memory of a running process (VmHWM), polled until it exits. */
function watchPeakRss(pid: number): { stop: () => number } {
  let peakKb = 0;
  const read = () => {
    try {
      const match = /VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
      if (match) peakKb = Math.max(peakKb, Number(match[1]));
    } catch {
      // The process has exited between two polls; the last reading stands.
    }
  };
  const timer = setInterval(read, 50);
  return { stop: () => (clearInterval(timer), peakKb / 1024) };
}

function runDownload(
  env: Record<string, string>,
  companyId: number,
): Promise<{ code: number; stdout: string; peakRssMb: number }> {
  return new Promise((resolve) => {
    // The TypeScript source, not a build that may be older than the checkout.
    const cli = [
      '--import',
      'tsx',
      'src/cli/bin.ts',
      'run',
      'order-download',
      '--company',
      String(companyId),
      '--json',
    ];
    const child = spawn(process.execPath, cli, { env });
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => process.stderr.write(chunk));
    const rss = watchPeakRss(child.pid ?? 0);
    child.on('exit', (code) => resolve({ code: code ?? 1, stdout, peakRssMb: rss.stop() }));
  });
}

async function main(): Promise<void> {
  const name = `sellersync_bench_${randomBytes(4).toString('hex')}`;
  const url = databaseUrl(name);
  const redisPrefix = `ssbench-${randomBytes(4).toString('hex')}`;
  const env: Record<string, string> = {
    ...(process.env as Record<string, string>),
    NODE_ENV: 'test',
    DATABASE_URL: url,
    REDIS_PREFIX: redisPrefix,
    ENCRYPTION_KEY: randomBytes(32).toString('hex'),
    MIGRATE_ON_START: 'false',
    LOG_LEVEL: 'warn',
  };
  await ensureDatabaseExists(url);
  const config = loadConfig(env);
  const db = createDb(url);
  await migrateToLatest(db);
  const server = await startSimulator({
    seed: 42,
    ordersPerHour: 0,
    timeScale: TIME_SCALE,
    startTime: new Date(Date.now() - DAYS * 24 * HOUR),
  });
  const { sim } = server;
  const reportSeconds = (sim.settings.reportQueueMs + sim.settings.reportProcessingMs) / 1000;
  env.ORDER_REPORT_EXPECTED_SECONDS = String(Math.max(1, Math.round(reportSeconds / TIME_SCALE)));
  env.ORDER_BACKFILL_DAYS = String(DAYS + 1);
  try {
    process.stderr.write(`placing ${ORDERS} orders over ${DAYS} simulated days…\n`);
    placeBacklog(sim);
    const company = await createCompany(db, config.keyring, {
      name: 'Benchmark seller',
      sellerId: DEFAULT_SELLER.sellerId,
      region: 'na',
      marketplaceIds: [DEFAULT_SELLER.marketplaceId],
      endpoint: server.url,
      lwaClientId: DEFAULT_SELLER.clientId,
      lwaClientSecret: DEFAULT_SELLER.clientSecret,
      refreshToken: DEFAULT_SELLER.refreshToken,
      allowOrderDownload: true,
      allowCheckoutByAmazonOrders: true,
    });
    const waiting = [...sim.store.orders.values()];
    const toShip = waiting.filter((o) =>
      needsBuyerData({
        fulfillmentChannel: o.fulfilledBy === 'AMAZON' ? 'AFN' : 'MFN',
        status:
          o.status === 'PARTIALLY_SHIPPED'
            ? 'PartiallyShipped'
            : o.status === 'UNSHIPPED'
              ? 'Unshipped'
              : 'Shipped',
      }),
    ).length;
    process.stderr.write(`running the order download (${toShip} seller-fulfilled orders to ship)…\n`);
    const run = await runDownload(env, company.id);
    if (run.code !== 0) throw new Error(`order download exited with ${run.code}: ${run.stdout}`);
    const result = JSON.parse(run.stdout) as { runId: number; counts: Record<string, number> };
    const jobRun = await db
      .selectFrom('job_runs')
      .selectAll()
      .where('id', '=', result.runId)
      .executeTakeFirstOrThrow();
    const cursor = await db.selectFrom('sync_cursors').select('position').executeTakeFirstOrThrow();
    const committedUntil = Date.parse((cursor.position as { committedUntil: string }).committedUntil);
    const storedIds = new Set(
      (await db.selectFrom('orders').select('amazon_order_id').execute()).map((o) => o.amazon_order_id),
    );
    // The window ends two minutes before Amazon's time at the run's start: orders updated later are the next run's.
    const inWindow = waiting.filter((o) => o.lastUpdatedTime.getTime() < committedUntil);
    const missing = inWindow.filter((o) => !storedIds.has(o.orderId));
    if (missing.length > 0) throw new Error(`${missing.length} orders of the window were not stored`);
    const wall = ((jobRun.finished_at?.getTime() ?? 0) - jobRun.started_at.getTime()) / 1000;

    const scaled = (plan: { rate: number; burst: number }) => ({
      rate: plan.rate * TIME_SCALE,
      burst: plan.burst,
    });
    const inputs: PlanInputs = {
      orders: inWindow.length,
      toShip,
      searchTokens: USAGE_PLANS.searchOrders.burst,
      reportSeconds: reportSeconds / TIME_SCALE,
      searchPlan: scaled(USAGE_PLANS.searchOrders),
      reportCallPlans: [scaled(USAGE_PLANS.createReport), scaled(USAGE_PLANS.getReportDocument)],
    };
    const floors = { search: searchFloorSeconds(inputs), report: reportFloorSeconds(inputs) };
    const plan = result.counts.plan_report ? 'report' : 'search';
    const requests = sim.store.requests.filter((r) => r.operation !== 'token');
    const figures = {
      orders: inWindow.length,
      plan,
      wall_s: Number(wall.toFixed(2)),
      floor_s: Number(floors[plan].toFixed(2)),
      other_floor_s: Number(floors[plan === 'report' ? 'search' : 'report'].toFixed(2)),
      // No ratio when Amazon imposes no wait at all (everything fits the bursts).
      ratio: floors[plan] >= 1 ? Number((wall / floors[plan]).toFixed(3)) : null,
      calls_per_order: Number((requests.length / inWindow.length).toFixed(4)),
      throttled: requests.filter((r) => r.status === 429).length,
      // The report's orders over the time from its document to the last commit; else the pages' commit time.
      ingest_orders_per_s: result.counts.reportIngestMs
        ? Math.round(((result.counts.reportOrders ?? 0) / result.counts.reportIngestMs) * 1000)
        : Math.round(((result.counts.received ?? 0) / (result.counts.ingestMs ?? 1)) * 1000),
      peak_rss_mb: Math.round(run.peakRssMb),
    };
    process.stderr.write(
      `${waiting.length} orders placed, ${inWindow.length} in the window, all stored; counts ${JSON.stringify(result.counts)}\n`,
    );
    process.stdout.write(`${JSON.stringify(figures)}\n`);
  } finally {
    await server.close();
    await db.destroy();
    const redis = createRedis(config.redisUrl);
    const keys = await redis.keys(`${redisPrefix}:*`);
    if (keys.length > 0) await redis.del(...keys);
    await redis.quit();
    const admin = new pg.Client({ connectionString: BASE_URL });
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS ${pg.escapeIdentifier(name)} WITH (FORCE)`);
    await admin.end();
  }
}

await main();
