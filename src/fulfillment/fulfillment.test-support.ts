import type { AmazonGatewayOptions } from '../amazon/factory.js';
import { createAmazonPortFactory } from '../companies/companies.amazon.js';
import { createCompany, type Company } from '../companies/companies.service.js';
import { followFeeds } from '../feeds/feed-follow.js';
import type { FeedPipeline } from '../feeds/feed-pipeline.js';
import { FEED_KINDS, JOB_HANDLERS } from '../wiring.js';
import { closeQueues, createQueues, type JobQueues } from '../jobs/queues.js';
import { runJob, type RunOutcome } from '../jobs/run-job.js';
import type { JobKind } from '../jobs/kinds.js';
import { startSimulator, type SimulatorServer } from '../simulator/server.js';
import { DEFAULT_SELLER } from '../simulator/simulation.js';
import { createTestContext, type TestContext } from '../../test/helpers/context.js';
import { setDefaultShipFrom } from './ship-from.js';
import { recordShipment } from './shipments.service.js';

/** Sellersync against the marketplace simulator, for fulfillment tests: a company, its pipeline, and the simulator's controls. */
export interface FulfillmentWorld {
  context: TestContext;
  server: SimulatorServer;
  queues: JobQueues;
  company: Company;
  /** Our clock, as jobs read it: a day ahead of the simulator's. */
  now(): Date;
  /**
   * The environment of a sellersync child process (the CLI, a worker) on our clock: CLOCK_START is our
   * clock's reading when it is called, so make it just before starting the process, and do not advance
   * the simulator while the process runs.
   */
  childEnv(overrides?: Record<string, string>): Record<string, string>;
  /** The feed pipeline of the company; a gateway with other timeouts, or another landing horizon, on demand. */
  pipeline(options?: PipelineOptions): Promise<FeedPipeline>;
  control<T = Record<string, unknown>>(method: string, path: string, body?: unknown): Promise<T>;
  createOrder(spec?: Record<string, unknown>): Promise<SimOrderView>;
  simOrder(orderId: string): Promise<SimOrderView>;
  advance(minutes: number): Promise<void>;
  run(kind: JobKind): Promise<RunOutcome>;
  /** Lets the simulator's clock pass the settle time, then downloads orders. */
  downloadOrders(): Promise<void>;
  /** Records a shipment as the CLI does, at our clock. */
  recordShipment(input: Record<string, unknown>): ReturnType<typeof recordShipment>;
  /** Records a shipment of every item of the order, with this tracking number. */
  shipWholeOrder(order: SimOrderView, tracking?: string): ReturnType<typeof recordShipment>;
  /** Lets the simulator finish every feed, then follows them as if every look were due. */
  finishFeeds(): Promise<void>;
  close(): Promise<void>;
}

export interface PipelineOptions {
  gateway?: Partial<AmazonGatewayOptions>;
  landingHorizonMs?: number;
}

export interface SimOrderView {
  orderId: string;
  createdTime: string;
  fulfillment?: { fulfillmentStatus: string };
  orderItems: {
    orderItemId: string;
    quantityOrdered: number;
    fulfillment?: { quantityFulfilled?: number };
  }[];
  packages?: {
    trackingNumber?: string;
    carrier?: string;
    packageItems?: { orderItemId: string; quantity: number }[];
  }[];
}

/** The simulator's seller as a sellersync company, with a default ship-from address. */
async function createSimulatedSeller(context: TestContext, server: SimulatorServer): Promise<Company> {
  const company = await createCompany(context.db, context.config.keyring, {
    name: 'Simulated Seller',
    sellerId: DEFAULT_SELLER.sellerId,
    region: 'na',
    marketplaceIds: [DEFAULT_SELLER.marketplaceId],
    endpoint: server.url,
    allowOrderDownload: true,
    allowFulfillmentUpload: true,
    lwaClientId: DEFAULT_SELLER.clientId,
    lwaClientSecret: DEFAULT_SELLER.clientSecret,
    refreshToken: DEFAULT_SELLER.refreshToken,
  });
  await setDefaultShipFrom(context.db, company.id, {
    name: 'Main Warehouse',
    line1: '1 Dock Road',
    city: 'Reno',
    country: 'US',
  });
  return company;
}

function simulatorControl(server: SimulatorServer): FulfillmentWorld['control'] {
  return async <T>(method: string, path: string, body?: unknown): Promise<T> => {
    const response = await fetch(`${server.url}/_sim${path}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    if (response.status >= 300) throw new Error(`simulator ${method} ${path}: ${response.status} ${text}`);
    return (text ? JSON.parse(text) : {}) as T;
  };
}

/** Where the simulated marketplace's clock starts: never today's date. */
export const SIMULATOR_START = new Date('2026-11-20T00:00:00Z');
const DAY_MS = 86_400_000;

export interface WorldOptions {
  /** Where the simulated marketplace's clock starts: SIMULATOR_START unless given. */
  simulatorStart?: Date;
  /** Settings of the test's app context over the test defaults (another Redis, say). */
  env?: Record<string, string>;
}

export async function startFulfillmentWorld(
  seed: number,
  options: WorldOptions = {},
): Promise<FulfillmentWorld> {
  const context = await createTestContext(options.env);
  const startTime = options.simulatorStart ?? SIMULATOR_START;
  const server = await startSimulator({ seed, timeScale: 1, ordersPerHour: 0, startTime });
  // The simulated marketplace runs a day behind our clock, so advancing it never puts Amazon's dates in our future.
  const now = (): Date => new Date(server.sim.clock.now().getTime() + DAY_MS);
  context.now = now;
  const queues = createQueues(context.redis, context.config.queuePrefix);
  const company = await createSimulatedSeller(context, server);
  const control = simulatorControl(server);
  // Every order download learns Amazon's clock from one getReports (0.0222/s, burst 10): a file downloading
  // orders a dozen times within seconds would wait 45 s per further run. Fulfillment is not about that
  // budget, so this seller's getReports plan is a fast one (the client adopts it from x-amzn-RateLimit-Limit).
  await control('PUT', '/rate-limits/getReports', { rate: 5, burst: 10 });
  const pipeline = async (options: PipelineOptions = {}): Promise<FeedPipeline> => {
    const { config, db, logger } = context;
    const factory = options.gateway
      ? createAmazonPortFactory({ config, db, redis: context.gatewayRedis, logger }, options.gateway)
      : context.amazon;
    return {
      db,
      amazon: await factory.forCompany(company.id),
      logger,
      kinds: FEED_KINDS,
      landingHorizonMs: options.landingHorizonMs ?? config.feeds.landingHorizonMinutes * 60_000,
      signal: new AbortController().signal,
    };
  };
  const world: FulfillmentWorld = {
    context,
    server,
    queues,
    company,
    now,
    childEnv: (overrides) => context.childEnv(overrides),
    pipeline,
    control,
    async createOrder(spec = {}) {
      const created = await control<{ order: SimOrderView }>('POST', '/orders', {
        pendingMinutes: 0,
        fulfilledBy: 'MERCHANT',
        ...spec,
      });
      return created.order;
    },
    async simOrder(orderId) {
      return (await control<{ order: SimOrderView }>('GET', `/orders/${orderId}`)).order;
    },
    async advance(minutes) {
      await control('POST', '/time/advance', { minutes });
    },
    run: (kind) => runJob(context, queues, JOB_HANDLERS, { kind, companyId: company.id, trigger: 'manual' }),
    async downloadOrders() {
      await world.advance(5);
      // The first run learns Amazon's clock after the jump; the second one's window reaches the new orders.
      for (let run = 0; run < 2; run++) {
        const outcome = await world.run('order-download');
        if (outcome.status !== 'succeeded') throw new Error(`order download ${outcome.status}`);
      }
    },
    recordShipment: (input) => recordShipment(context.db, company.id, input, now()),
    shipWholeOrder: (order, tracking = '1Z999AA10123456784') =>
      recordShipment(
        context.db,
        company.id,
        {
          amazonOrderId: order.orderId,
          carrier: 'UPS',
          trackingNumber: tracking,
          shipDate: now().toISOString(),
          items: order.orderItems.map((item) => ({
            orderItemId: item.orderItemId,
            quantity: item.quantityOrdered,
          })),
        },
        now(),
      ),
    async finishFeeds() {
      await world.advance(10);
      // Every look due now, so that what the appliers record (accepted at, confirmed at) is on our clock.
      await context.db
        .updateTable('feeds')
        .set({ next_check_at: now() })
        .where('company_id', '=', company.id)
        .where('state', '=', 'submitted')
        .execute();
      await followFeeds(await pipeline(), company.id, now());
    },
    async close() {
      await closeQueues(queues);
      await server.close();
      await context.cleanup();
    },
  };
  return world;
}
