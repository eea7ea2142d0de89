import { zipSync } from 'fflate';
import { afterAll, beforeAll } from 'vitest';
import type { AmazonGatewayOptions } from '../amazon/factory.js';
import { createAmazonPortFactory, type AmazonPortFactory } from '../companies/companies.amazon.js';
import { createCompany, getCompany, type Company } from '../companies/companies.service.js';
import type { OrderSettings } from '../config.js';
import type { Db } from '../db/client.js';
import { createOrder } from '../simulator/generator.js';
import type { OrderSpec } from '../simulator/types.js';
import type { SimOrder } from '../simulator/model.js';
import { startSimulator, type SimulatorServer } from '../simulator/server.js';
import { DEFAULT_SELLER } from '../simulator/simulation.js';
import { createTestContext, type TestContext } from '../../test/helpers/context.js';
import type { DownloadContext } from './download-context.js';
import { NO_ORDER_EVENT_HANDLERS } from './order-events.js';
import { downloadOrders } from './orders.download.js';

/** A seller on an in-process simulator, with its company row pointing at it. */
export interface SimulatedSeller {
  server: SimulatorServer;
  company: Company;
  amazon: AmazonPortFactory;
}

/** Gateway waits shortened for tests; rate plans follow the simulator's (scaled) usage plans. */
export function testGateway(
  context: TestContext,
  options: Partial<AmazonGatewayOptions> = {},
): AmazonPortFactory {
  return createAmazonPortFactory(
    { config: context.config, db: context.db, redis: context.gatewayRedis, logger: context.logger },
    {
      retry: {
        maxInlineWaitMs: 5_000,
        throttleRetries: 3,
        transientRetries: 2,
        transientBaseDelayMs: 20,
        transientMaxDelayMs: 100,
      },
      responseTimeoutMs: 5_000,
      deadlineTimeoutMs: 20_000,
      ...options,
    },
  );
}

let sellerCount = 0;

/** Where the simulated marketplace's clock starts unless a test says otherwise: never today's date. */
export const SIMULATED_START = new Date('2026-11-20T09:00:00Z');

export async function simulatedSeller(
  context: TestContext,
  settings: {
    allowCheckoutByAmazonOrders?: boolean;
    timeScale?: number;
    gateway?: Partial<AmazonGatewayOptions>;
    /** Amazon's clock at the start; SIMULATED_START when absent. */
    startTime?: Date;
  } = {},
): Promise<SimulatedSeller> {
  const server = await startSimulator({
    seed: 11,
    ordersPerHour: 0,
    timeScale: settings.timeScale ?? 1,
    startTime: settings.startTime ?? SIMULATED_START,
  });
  sellerCount += 1;
  const sellerId = `A${process.pid}SIM${sellerCount}`.slice(0, 20);
  const refreshToken = `Atzr|simulated-${sellerId}`;
  server.sim.store.sellers.set(sellerId, { ...DEFAULT_SELLER, sellerId, refreshToken });
  const company = await createCompany(context.db, context.config.keyring, {
    name: 'Simulated seller',
    sellerId,
    region: 'na',
    marketplaceIds: [DEFAULT_SELLER.marketplaceId],
    endpoint: server.url,
    lwaClientId: DEFAULT_SELLER.clientId,
    lwaClientSecret: DEFAULT_SELLER.clientSecret,
    refreshToken,
    allowOrderDownload: true,
    allowCheckoutByAmazonOrders: settings.allowCheckoutByAmazonOrders ?? false,
  });
  return { server, company, amazon: testGateway(context, settings.gateway) };
}

/** Places orders on the simulated marketplace now (simulator time); returns their ids. */
export function placeOrders(seller: SimulatedSeller, specs: OrderSpec[]): string[] {
  const { sim } = seller.server;
  return specs.map((spec) => createOrder(sim, { ...spec, sellerId: seller.company.sellerId }, sim.now()));
}

/** The Amazon order ids stored for the company, sorted. */
export async function storedOrderIds(db: Db, companyId: number): Promise<string[]> {
  const rows = await db
    .selectFrom('orders')
    .select('amazon_order_id')
    .where('company_id', '=', companyId)
    .orderBy('amazon_order_id')
    .execute();
  return rows.map((row) => row.amazon_order_id);
}

/** The seller's orders as the simulator holds them now. */
export function simulatedOrders(seller: SimulatedSeller): SimOrder[] {
  seller.server.sim.now();
  return [...seller.server.sim.store.orders.values()].filter(
    (order) => order.sellerId === seller.company.sellerId,
  );
}

export const TEST_ORDER_SETTINGS: OrderSettings = {
  backfillDays: 7,
  windowOverlapMinutes: 5,
  atRiskHours: 24,
  buyerDataRetentionDays: 30,
  reportQueueTimeoutMinutes: 20,
  reportProcessingTimeoutMinutes: 120,
  reportExpectedSeconds: 600,
};

/** A test file's database and Redis context, and the simulated sellers it starts (all closed after the file). */
export interface SimulatedSellers {
  context: TestContext;
  newSeller(): Promise<SimulatedSeller>;
}

export function useSimulatedSellers(): SimulatedSellers {
  const sellers: SimulatedSeller[] = [];
  const suite: SimulatedSellers = {
    context: undefined as unknown as TestContext,
    async newSeller() {
      const seller = await simulatedSeller(suite.context);
      sellers.push(seller);
      return seller;
    },
  };
  beforeAll(async () => {
    suite.context = await createTestContext();
  });
  afterAll(async () => {
    await Promise.all(sellers.map((seller) => seller.server.close()));
    await suite.context?.cleanup();
  });
  return suite;
}

/**
 * Runs one order download for the seller in this process, as the job does; returns its counts. Our clock
 * is the simulator's unless the test gives one; a seller faked with nock has no simulator, so its test
 * must give one.
 */
export async function runDownload(
  context: TestContext,
  seller: Pick<SimulatedSeller, 'amazon' | 'company'> & { server?: SimulatorServer },
  overrides: Partial<DownloadContext> = {},
): Promise<Record<string, number>> {
  const server = seller.server;
  const now = overrides.now ?? (server && (() => server.sim.now()));
  if (!now) throw new Error('runDownload: pin our clock (overrides.now) for a seller without a simulator');
  const download: DownloadContext = {
    db: context.db,
    keyring: context.config.keyring,
    logger: context.logger,
    port: await seller.amazon.forCompany(seller.company.id),
    company: await getCompany(context.db, seller.company.id),
    runId: null,
    settings: TEST_ORDER_SETTINGS,
    signal: new AbortController().signal,
    now,
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
    orderEvents: NO_ORDER_EVENT_HANDLERS,
    counts: {},
    ...overrides,
  };
  await downloadOrders(download);
  return download.counts;
}

/** A one-file zip with a deflated entry. */
export function deflatedZip(name: string, content: Buffer): Buffer {
  return Buffer.from(zipSync({ [name]: content }, { level: 6 }));
}
