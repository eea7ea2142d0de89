import { OUT_OF_STOCK_SKU } from './demo-cancellations.js';
import { createCompany, listCompanies, updateCompany, type Company } from '../companies/companies.service.js';
import type { CompanyChanges } from '../companies/companies.schema.js';
import { loadConfig, readEnvironment } from '../config.js';
import type { AppContext } from '../context.js';
import { reconcileCompanySchedules } from '../jobs/schedules.js';
import { installSignalHandlers, startDaemon, type Daemon } from '../main.js';
import { createLogger, type Logger } from '../shared/logger.js';
import { observeDemo } from './demo-observer.js';
import { demoStores, resetDemoStores } from './demo-stores.js';
import { MINUTE } from './clock.js';
import { createOrder } from './generator.js';
import { startSimulator, type SimulatorServer } from './server.js';
import { DEFAULT_SELLER, type Simulation } from './simulation.js';

/**
 * `sellersync demo`: the simulator and the daemon side by side, with a demo company pointed at the
 * simulator, so a new user watches orders arrive, ship, get cancelled, refunded and settled.
 */

export interface DemoOptions {
  port: number;
  timeScale: number;
  seed: number;
  ordersPerHour: number;
  /** JSON log lines, and the banner as one of them, whatever LOG_PRETTY says. */
  json?: boolean;
}

/** Short Amazon delays so each step shows within a minute at real-time speed. */
function demoPacing(sim: Simulation): void {
  sim.settings.pendingMinutes = 1;
  sim.settings.fbaShipMinutes = 2;
  sim.settings.reportQueueMs = 10_000;
  sim.settings.reportProcessingMs = 20_000;
  sim.settings.feedQueueMs = 10_000;
  sim.settings.feedProcessingMs = 20_000;
}

/**
 * Orders placed five minutes ago, so the first download (which, by Amazon's 2-minute rule, sees only
 * orders older than two minutes) already finds them; what happens to them next plays out over the
 * first minutes of the demo.
 */
function seedOrders(sim: Simulation): void {
  const placed = new Date(sim.now().getTime() - 5 * MINUTE);
  const one = (sku: string) => [{ sku, quantity: 1, customized: false }];
  createOrder(sim, { items: [{ sku: 'MUG-CERAMIC-WHT', quantity: 2, customized: false }] }, placed);
  createOrder(
    sim,
    { programs: ['PRIME'], items: [{ sku: 'MUG-ENGRAVED', quantity: 1, customized: true }] },
    placed,
  );
  createOrder(
    sim,
    { programs: ['AMAZON_BUSINESS'], items: one('LAMP-DESK-LED'), buyerCancelRequestAfterMinutes: 8 },
    placed,
  );
  // The buyer asks at once: the seller answers the request within the demo's first minute.
  createOrder(sim, { items: one('CABLE-USBC-2M'), buyerCancelRequestAfterMinutes: 0 }, placed);
  // A SKU the seller has run out of: its order is cancelled (NoInventory) and the SKU set to 0.
  createOrder(sim, { items: one(OUT_OF_STOCK_SKU) }, placed);
  createOrder(
    sim,
    { fulfilledBy: 'AMAZON', items: one('BOTTLE-STEEL-750'), amazonRefundAfterMinutes: 12 },
    placed,
  );
  createOrder(
    sim,
    { items: one('NOTEBOOK-A5-DOT'), pendingMinutes: 10, amazonCancelAfterMinutes: 7 },
    placed,
  );
}

async function upsertDemoCompany(app: AppContext, endpoint: string): Promise<Company> {
  // Typed, so that a setting the companies drop fails the build instead of every demo start.
  const settings = {
    name: 'Demo seller (simulator)',
    endpoint,
    allowOrderDownload: true,
    allowFulfillmentUpload: true,
    allowCheckoutByAmazonOrders: true,
    zeroInventoryOnNoStockCancel: true,
    downloadIntervalMinutes: 1,
    uploadIntervalMinutes: 1,
    lwaClientId: DEFAULT_SELLER.clientId,
    lwaClientSecret: DEFAULT_SELLER.clientSecret,
    refreshToken: DEFAULT_SELLER.refreshToken,
  } satisfies CompanyChanges;
  const existing = (await listCompanies(app.db)).find(
    (company) => company.sellerId === DEFAULT_SELLER.sellerId,
  );
  if (existing) return updateCompany(app.db, app.config.keyring, existing.id, settings);
  return createCompany(app.db, app.config.keyring, {
    ...settings,
    sellerId: DEFAULT_SELLER.sellerId,
    region: 'na',
    marketplaceIds: [DEFAULT_SELLER.marketplaceId],
  });
}

function banner(server: SimulatorServer, daemon: Daemon, company: Company, databaseUrl: string): string {
  const admin = `http://127.0.0.1:${daemon.adminAddress.port}`;
  return [
    '',
    'sellersync demo is running',
    `  simulated Amazon      ${server.url}   (orders: ${server.url}/_sim/orders, what sellersync sent: ${server.url}/_sim/requests)`,
    `  demo company          id ${company.id}, seller ${company.sellerId}, endpoint ${company.endpoint}`,
    `  database              ${databaseUrl.replace(/\/\/[^@]*@/, '//')}   (emptied at every demo start)`,
    `  admin server          ${admin}   (API reference: ${admin}/api/reference)`,
    `  web console           ${admin}/console   (sign in with ADMIN_TOKEN, or the token printed above)`,
    '  what happens next     new orders every few minutes; Pending orders turn Unshipped after a minute;',
    '                        a shipment is recorded for an unshipped order, a buyer asks to cancel one and',
    '                        the seller accepts, an out-of-stock order is cancelled and its SKU set to 0,',
    '                        the shipped order comes back and is refunded less a restocking fee,',
    '                        Amazon cancels and refunds others, a settlement period closes every 5 minutes.',
    '  stop                  Ctrl-C',
    '',
  ].join('\n');
}

export async function runDemo(options: DemoOptions): Promise<void> {
  const env = readEnvironment();
  const stores = demoStores(env);
  env.DATABASE_URL = stores.databaseUrl;
  env.REDIS_PREFIX = stores.redisPrefix;
  env.MIGRATE_ON_START = 'true'; // a fresh database each run
  env.REFUND_HOLD_MINUTES = '0'; // the demo's refund goes out with the next upload, not 15 minutes later
  if (options.json) env.LOG_PRETTY = 'false';
  else env.LOG_PRETTY ??= 'true';
  const config = loadConfig(env);
  await resetDemoStores(stores, config.redis);
  const logger: Logger = createLogger({ level: config.logLevel, pretty: config.logPretty });
  const server = await startSimulator({
    // With CLOCK_START, Amazon's clock starts where the daemon's is (it counts from this process's start).
    ...(config.clockStart && { startTime: new Date(config.clockStart.getTime() + performance.now()) }),
    port: options.port,
    timeScale: options.timeScale,
    seed: options.seed,
    ordersPerHour: options.ordersPerHour,
  });
  if (options.timeScale === 1) demoPacing(server.sim);
  seedOrders(server.sim);
  const daemon = await startDaemon(config, { logger });
  const company = await upsertDemoCompany(daemon.app, server.url);
  await reconcileCompanySchedules(daemon.queues, company);
  if (options.json) {
    logger.info(
      {
        simulatorUrl: server.url,
        companyId: company.id,
        adminUrl: `http://127.0.0.1:${daemon.adminAddress.port}`,
        consoleUrl: `http://127.0.0.1:${daemon.adminAddress.port}/console`,
        database: config.databaseUrl.replace(/\/\/[^@]*@/, '//'),
      },
      'sellersync demo is running',
    );
  } else process.stdout.write(banner(server, daemon, company, config.databaseUrl));
  const observer = observeDemo(server.sim, daemon.app, company, logger.child({ component: 'demo' }));
  const stopDaemon = daemon.stop.bind(daemon);
  daemon.stop = async () => {
    observer.stop();
    const result = await stopDaemon();
    await server.close();
    return result;
  };
  installSignalHandlers(daemon, logger);
}
