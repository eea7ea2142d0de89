/**
 * 10,000 pending shipments → one fulfillment upload, against the marketplace simulator in this process.
 * Prints one JSON line last: {"shipments","feeds","build_s","apply_s","calls","peak_rss_mb"}.
 *   shipments    shipments uploaded and confirmed
 *   feeds        feeds created on Amazon
 *   build_s      seconds to gather the shipments and build, validate and store the feed document(s)
 *   apply_s      seconds to follow the finished feed: fetch and parse its processing report, apply it per message
 *   calls        Amazon calls made by the upload and the follow-up
 *   peak_rss_mb  peak resident memory of the process
 * Usage: npm run bench:fulfillment [-- --shipments 10000]
 */
import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import { createAmazonPortFactory } from '../src/companies/companies.amazon.js';
import { createCompany, type Company } from '../src/companies/companies.service.js';
import pg from 'pg';
import { loadConfig, readEnvironment, type Config } from '../src/config.js';
import { createDb, ensureDatabaseExists, type Db } from '../src/db/client.js';
import { migrateToLatest } from '../src/db/migrate.js';
import { FEED_KINDS } from '../src/wiring.js';
import { followFeeds } from '../src/feeds/feed-follow.js';
import type { FeedPipeline } from '../src/feeds/feed-pipeline.js';
import { submitOpenFeeds } from '../src/feeds/feed-submit.js';
import { storeFulfillmentFeeds } from '../src/fulfillment/fulfillment-feed.js';
import { preventCancelledShipments } from '../src/fulfillment/order-recheck.js';
import { dueShipmentIds, listShipments } from '../src/fulfillment/shipments.repository.js';
import { saveCursor } from '../src/jobs/sync-cursors.repository.js';
import { ORDERS_STREAM } from '../src/orders/download-window.js';
import { createLogger } from '../src/shared/logger.js';
import { createRedis } from '../src/shared/redis.js';
import { deleteRedisKeys } from '../test/helpers/context.js';
import { createOrder } from '../src/simulator/generator.js';
import { startSimulator, type SimulatorServer } from '../src/simulator/server.js';
import { DEFAULT_SELLER, type Simulation } from '../src/simulator/simulation.js';

const { values } = parseArgs({ options: { shipments: { type: 'string', default: '10000' } } });
const SHIPMENTS = Number(values.shipments);
const BASE_URL = readEnvironment().BENCH_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

function databaseUrl(name: string): string {
  const url = new URL(BASE_URL);
  url.pathname = `/${name}`;
  return url.toString();
}

/** Orders on the simulated Amazon, and the same orders as the order download would have stored them. */
async function seedOrders(sim: Simulation, db: Db, companyId: number): Promise<void> {
  const now = sim.now();
  const ids = Array.from({ length: SHIPMENTS }, () =>
    createOrder(
      sim,
      { fulfilledBy: 'MERCHANT', pendingMinutes: 0, items: [{ quantity: 1, customized: false }] },
      now,
    ),
  );
  sim.advance(60_000);
  for (let start = 0; start < ids.length; start += 1000) {
    const simOrders = ids.slice(start, start + 1000).map((id) => sim.store.orders.get(id)!);
    const rows = await db
      .insertInto('orders')
      .values(
        simOrders.map((o) => ({
          company_id: companyId,
          amazon_order_id: o.orderId,
          marketplace_id: o.marketplaceId,
          sales_channel: 'Amazon.com',
          purchase_date: o.createdTime,
          last_updated_at: o.lastUpdatedTime,
          status: 'Unshipped' as const,
          fulfillment_channel: 'MFN' as const,
          latest_ship_date: o.shipBy.latest,
          payment_status: 'complete' as const,
          first_seen_source: 'bench',
        })),
      )
      .returning(['id', 'amazon_order_id'])
      .execute();
    const idOf = new Map(rows.map((r) => [r.amazon_order_id, r.id]));
    await db
      .insertInto('order_items')
      .values(
        simOrders.flatMap((o) =>
          o.items.map((i) => ({
            order_id: idOf.get(o.orderId)!,
            order_item_id: i.orderItemId,
            sku: i.sku,
            quantity_ordered: i.quantity,
          })),
        ),
      )
      .execute();
  }
}

/** One pending shipment per order, as `sellersync ship` records them. */
async function seedShipments(db: Db, companyId: number): Promise<void> {
  const items = await db
    .selectFrom('order_items')
    .innerJoin('orders', 'orders.id', 'order_items.order_id')
    .select([
      'orders.id as order_id',
      'orders.amazon_order_id',
      'orders.marketplace_id',
      'order_items.id as item_row',
      'order_items.order_item_id',
      'order_items.quantity_ordered',
    ])
    .where('orders.company_id', '=', companyId)
    .execute();
  const shipFrom = JSON.stringify({
    name: 'Warehouse',
    line1: '1 Dock Road',
    line2: null,
    city: 'Reno',
    state: 'NV',
    postalCode: '89501',
    country: 'US',
  });
  for (let start = 0; start < items.length; start += 1000) {
    const slice = items.slice(start, start + 1000);
    const shipments = await db
      .insertInto('shipments')
      .values(
        slice.map((i, n) => ({
          company_id: companyId,
          order_id: i.order_id,
          amazon_order_id: i.amazon_order_id,
          marketplace_id: i.marketplace_id ?? DEFAULT_SELLER.marketplaceId,
          carrier_code: 'UPS',
          shipping_method: 'UPS Ground & <Express>',
          tracking_number: `1Z999AA1${String(start + n).padStart(10, '0')}`,
          ship_date: new Date(),
          ship_from: shipFrom,
        })),
      )
      .returning(['id', 'order_id'])
      .execute();
    await db
      .insertInto('shipment_items')
      .values(
        shipments.map((s, n) => ({
          shipment_id: s.id,
          order_item_row_id: slice[n]!.item_row,
          order_item_id: slice[n]!.order_item_id,
          quantity: slice[n]!.quantity_ordered,
        })),
      )
      .execute();
  }
}

async function createSeller(db: Db, config: Config, server: SimulatorServer): Promise<Company> {
  return createCompany(db, config.keyring, {
    name: 'Bench Seller',
    sellerId: DEFAULT_SELLER.sellerId,
    region: 'na',
    marketplaceIds: [DEFAULT_SELLER.marketplaceId],
    endpoint: server.url,
    allowFulfillmentUpload: true,
    lwaClientId: DEFAULT_SELLER.clientId,
    lwaClientSecret: DEFAULT_SELLER.clientSecret,
    refreshToken: DEFAULT_SELLER.refreshToken,
  });
}

/** The upload and the follow-up, timed apart; returns the figures printed. */
async function measure(pipeline: FeedPipeline, company: Company, server: SimulatorServer) {
  const requestsBefore = server.sim.store.requests.length;
  const due = await dueShipmentIds(pipeline.db, company.id, new Date());
  const { uploadable } = await preventCancelledShipments(pipeline, company.id, due);
  const buildStart = performance.now();
  await storeFulfillmentFeeds(pipeline.db, company, uploadable);
  const buildSeconds = (performance.now() - buildStart) / 1000;
  const submitted = await submitOpenFeeds(pipeline, company.id, 'order-fulfillment', new Date());

  server.sim.advance(30 * 60_000);
  const applyStart = performance.now();
  await followFeeds(pipeline, company.id, new Date(Date.now() + 86_400_000));
  const applySeconds = (performance.now() - applyStart) / 1000;
  const confirmed = await listShipments(pipeline.db, company.id, { states: ['confirmed'] });
  const calls = server.sim.store.requests
    .slice(requestsBefore)
    .filter((r) => !r.path.startsWith('/_sim/') || r.path.startsWith('/_sim/documents')).length;
  return {
    shipments: confirmed.length,
    feeds: submitted.submitted.length,
    build_s: Number(buildSeconds.toFixed(3)),
    apply_s: Number(applySeconds.toFixed(3)),
    calls,
    peak_rss_mb: Math.round(process.resourceUsage().maxRSS / 1024),
  };
}

async function dropDatabase(name: string): Promise<void> {
  const admin = new pg.Client({ connectionString: BASE_URL });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${pg.escapeIdentifier(name)} WITH (FORCE)`);
  await admin.end();
}

async function main(): Promise<void> {
  const name = `sellersync_bench_${randomBytes(4).toString('hex')}`;
  const url = databaseUrl(name);
  await ensureDatabaseExists(url);
  const config = loadConfig({
    NODE_ENV: 'test',
    DATABASE_URL: url,
    REDIS_PREFIX: `bench-${name}`,
    LOG_LEVEL: 'warn',
  });
  const db = createDb(url, 10);
  const redis = createRedis(config.redisUrl);
  const logger = createLogger({ level: 'warn', pretty: false });
  const startTime = new Date(Date.now() - 86_400_000);
  const server = await startSimulator({ seed: 7, timeScale: 1, ordersPerHour: 0, startTime });
  try {
    await migrateToLatest(db);
    const company = await createSeller(db, config, server);
    await seedOrders(server.sim, db, company.id);
    await seedShipments(db, company.id);
    // A download window committed up to Amazon's now, after the shipments were recorded: local statuses are current.
    const amazonNow = server.sim.now();
    await saveCursor(db, company.id, ORDERS_STREAM, {
      committedUntil: amazonNow.toISOString(),
      clockOffsetMs: amazonNow.getTime() - Date.now(),
    });
    const amazon = await createAmazonPortFactory({ config, db, redis, logger }).forCompany(company.id);
    const figures = await measure(
      {
        db,
        amazon,
        logger,
        kinds: FEED_KINDS,
        landingHorizonMs: config.feeds.landingHorizonMinutes * 60_000,
        signal: new AbortController().signal,
      },
      company,
      server,
    );
    process.stdout.write(`${JSON.stringify(figures)}\n`);
  } finally {
    await server.close();
    await deleteRedisKeys(redis, config.redisPrefix);
    await redis.quit();
    await db.destroy();
    await dropDatabase(name);
  }
}

await main();
