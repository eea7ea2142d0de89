import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { DEFAULT_RETRY_POLICY } from '../../src/amazon/call.js';
import { createCompany, getCompany, type Company } from '../../src/companies/companies.service.js';
import { OPEN_FEED_STATES } from '../../src/feeds/feed-states.js';
import { fulfillmentShipmentGuard } from '../../src/fulfillment/cancellation-guard.js';
import { setDefaultShipFrom } from '../../src/fulfillment/ship-from.js';
import { recordShipment } from '../../src/fulfillment/shipments.service.js';
import { requestCancellation } from '../../src/cancellations/cancellations.service.js';
import { listRuns, type JobRun } from '../../src/jobs/job-runs.repository.js';
import type { JobKind } from '../../src/jobs/kinds.js';
import type { RunSummary } from '../../src/jobs/run-job.js';
import { requestRefund } from '../../src/refunds/refunds.service.js';
import { createOrder } from '../../src/simulator/generator.js';
import { startSimulator, type SimulatorServer } from '../../src/simulator/server.js';
import { DEFAULT_SELLER } from '../../src/simulator/simulation.js';
import type { OrderSpec } from '../../src/simulator/types.js';
import { createTestContext, type TestContext } from '../helpers/context.js';
import { OwnRedis } from '../helpers/own-redis.js';
import { TEST_POSTGRES_URL } from '../helpers/settings.js';
import { FaultDaemon } from './daemon.js';
import { CursorWatch } from './cursor-watch.js';
import { checkInvariants, type InvariantReport } from './invariants.js';
import { TcpProxy } from './tcp-proxy.js';

const MINUTE = 60_000;
const UPLOADS = ['fulfillment-upload', 'cancellation-upload', 'refund-upload'] as const;
const DAY = 24 * 60 * MINUTE;
/** Where our clock starts in every fault world: a fixed instant, so no row depends on today's date. */
export const FAULT_WORLD_START = new Date('2026-11-21T00:00:00Z');

/** A seller on the simulator and the sellersync company pointed at it (through the Amazon proxy). */
export interface FaultSeller {
  company: Company;
  sellerId: string;
  clientSecret: string;
  refreshToken: string;
}

/** An order to place: seller-fulfilled, out of Pending at once and one unit of one item unless said. */
export type PlacedOrder = Omit<OrderSpec, 'items' | 'sellerId'> & {
  items?: { quantity?: number; sku?: string }[];
};

export interface FaultWorldOptions {
  seed?: number;
  sellers?: number;
  /** Simulated seconds per wall-clock second. */
  timeScale?: number;
  /**
   * Amazon's clock minus ours at the start. Ours starts at FAULT_WORLD_START and runs at real speed; every
   * daemon gets it as CLOCK_START when it starts. Amazon's is a day behind by default, as for every test of
   * child processes, so that moving Amazon's time on never puts its dates in our future.
   */
  amazonOffsetMs?: number;
  /** Environment of every daemon, over the harness's defaults. */
  env?: Record<string, string>;
}

/**
 * Sellersync under fault: real `sellersync start` processes against the in-process simulator, each store
 * reached through something the test can break. Postgres and the simulator sit behind TCP proxies; Redis is
 * a redis-server of the world's own (FLUSHALL, restart, `CLIENT KILL`, maxmemory, never the shared one).
 */
export class FaultWorld {
  readonly daemons: FaultDaemon[] = [];
  readonly sellers: FaultSeller[] = [];
  readonly cursors: CursorWatch;
  private daemonCount = 0;

  private constructor(
    readonly context: TestContext,
    readonly simulator: SimulatorServer,
    readonly amazonProxy: TcpProxy,
    readonly postgresProxy: TcpProxy,
    readonly redisServer: OwnRedis,
    /** A client of the world's own Redis, for the test's looks and faults. */
    readonly redis: Redis,
    private readonly daemonEnv: Record<string, string>,
    /** Our clock minus the machine's. */
    private readonly clockOffsetMs: number,
  ) {
    this.cursors = new CursorWatch(context.db);
  }

  static async start(options: FaultWorldOptions = {}): Promise<FaultWorld> {
    const redisServer = new OwnRedis();
    await redisServer.start();
    const context = await createTestContext();
    const clockOffsetMs = FAULT_WORLD_START.getTime() - Date.now();
    const simulator = await startSimulator({
      seed: options.seed ?? 16,
      ordersPerHour: 0,
      timeScale: options.timeScale ?? 1,
      startTime: new Date(FAULT_WORLD_START.getTime() + (options.amazonOffsetMs ?? -DAY)),
    });
    const amazonProxy = new TcpProxy(simulator.port);
    await amazonProxy.up();
    // Document URLs the simulator hands out go through the proxy too.
    simulator.sim.baseUrl = `http://127.0.0.1:${amazonProxy.port}`;
    const postgres = new URL(TEST_POSTGRES_URL);
    const postgresProxy = new TcpProxy(Number(postgres.port || 5432), postgres.hostname);
    await postgresProxy.up();
    const proxied = new URL(context.databaseUrl);
    proxied.hostname = '127.0.0.1';
    proxied.port = String(postgresProxy.port);
    const env: Record<string, string> = {
      ...context.env,
      DATABASE_URL: proxied.toString(),
      REDIS_URL: redisServer.url,
      LOG_LEVEL: 'debug',
      JOB_LEASE_MS: '5000',
      SHUTDOWN_TIMEOUT_MS: '20000',
      SCHEDULE_RECONCILE_INTERVAL_MS: '5000',
      REFUND_HOLD_MINUTES: '0',
      FEED_LANDING_HORIZON_MINUTES: '3',
      ...options.env,
    };
    const redis = new Redis(redisServer.url, { maxRetriesPerRequest: 1, lazyConnect: true });
    redis.on('error', () => undefined);
    await redis.connect();
    const world = new FaultWorld(
      context,
      simulator,
      amazonProxy,
      postgresProxy,
      redisServer,
      redis,
      env,
      clockOffsetMs,
    );
    await world.fastPlans();
    for (let i = 0; i < (options.sellers ?? 1); i++) await world.addSeller();
    return world;
  }

  /**
   * Amazon's own plans for the calls every run makes (searchOrders 0.0056/s, getReports 0.0222/s) would
   * make each further download of a test wait minutes; the rows are about faults, not that budget, so
   * these plans are fast ones (the daemons adopt them from x-amzn-RateLimit-Limit). A row may restore them.
   */
  async fastPlans(): Promise<void> {
    await this.control('DELETE', '/rate-limits');
    for (const operation of ['searchOrders', 'getReports', 'getOrder'])
      await this.control('PUT', `/rate-limits/${operation}`, { rate: 5, burst: 20 });
  }

  get amazonUrl(): string {
    return this.simulator.sim.baseUrl;
  }

  /** A seller of its own on the simulator, as a company with every toggle a test needs on. */
  async addSeller(): Promise<FaultSeller> {
    const suffix = randomBytes(4).toString('hex').toUpperCase();
    const sellerId = `AFLT${this.sellers.length + 1}${suffix}`.slice(0, 20);
    const clientSecret = `amzn1.oa2-cs.v1.fault-${randomBytes(12).toString('hex')}`;
    const refreshToken = `Atzr|fault-${randomBytes(16).toString('hex')}`;
    this.simulator.sim.store.sellers.set(sellerId, {
      ...DEFAULT_SELLER,
      sellerId,
      clientSecret,
      refreshToken,
    });
    const company = await createCompany(this.context.db, this.context.config.keyring, {
      name: `Fault seller ${this.sellers.length + 1}`,
      sellerId,
      region: 'na',
      marketplaceIds: [DEFAULT_SELLER.marketplaceId],
      endpoint: this.amazonUrl,
      lwaClientId: DEFAULT_SELLER.clientId,
      lwaClientSecret: clientSecret,
      refreshToken,
      allowOrderDownload: true,
      allowFulfillmentUpload: true,
    });
    await setDefaultShipFrom(this.context.db, company.id, {
      name: 'Main Warehouse',
      line1: '1 Dock Road',
      city: 'Reno',
      country: 'US',
    });
    const seller = { company, sellerId, clientSecret, refreshToken };
    this.sellers.push(seller);
    return seller;
  }

  seller(index = 0): FaultSeller {
    const seller = this.sellers[index];
    if (!seller) throw new Error(`no seller ${index}`);
    return seller;
  }

  /** Starts one more `sellersync start`, waiting until it serves unless told not to. */
  async startDaemon(env: Record<string, string> = {}, waitReady = true): Promise<FaultDaemon> {
    this.daemonCount += 1;
    const daemon = await FaultDaemon.start(`daemon-${this.daemonCount}`, {
      ...this.daemonEnv,
      CLOCK_START: this.now().toISOString(),
      ...env,
    });
    this.daemons.push(daemon);
    if (waitReady) await daemon.ready();
    return daemon;
  }

  /** Waits until no run is under way (a new daemon's schedules may fire every job at once). */
  async idle(timeoutMs = 60_000): Promise<void> {
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    await until(
      async () => {
        const running = await this.context.db
          .selectFrom('job_runs')
          .select('id')
          .where('status', '=', 'running')
          .executeTakeFirst();
        return running === undefined;
      },
      'no run under way',
      timeoutMs,
    ).catch(async (err: unknown) => {
      const runs = await this.context.db.selectFrom('job_runs').selectAll().execute();
      throw new Error(`${(err as Error).message}: ${JSON.stringify(runs)}\n${this.problems()}`);
    });
  }

  /** A daemon still alive, to talk to. */
  liveDaemon(): FaultDaemon {
    const daemon = this.daemons.find((d) => d.alive);
    if (!daemon) throw new Error('no daemon is running');
    return daemon;
  }

  async control<T = Record<string, unknown>>(method: string, path: string, body?: unknown): Promise<T> {
    const response = await fetch(`${this.simulator.url}/_sim${path}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    if (response.status >= 300) throw new Error(`simulator ${method} ${path}: ${response.status} ${text}`);
    return (text ? JSON.parse(text) : {}) as T;
  }

  async fault(fault: Record<string, unknown>): Promise<void> {
    await this.control('POST', '/faults', fault);
  }

  advance(minutes: number): void {
    this.simulator.sim.advance(minutes * MINUTE);
  }

  /** Places orders for a seller at Amazon's now (seller-fulfilled, out of Pending at once unless said). */
  placeOrders(specs: PlacedOrder[], sellerIndex = 0): string[] {
    const { sim } = this.simulator;
    const { sellerId } = this.seller(sellerIndex);
    return specs.map(({ items, ...spec }) => {
      const full: OrderSpec = {
        fulfilledBy: 'MERCHANT',
        pendingMinutes: 0,
        programs: [],
        ...spec,
        sellerId,
        items: (items ?? [{}]).map((item) => ({ quantity: 1, customized: false, ...item })),
      };
      return createOrder(sim, full, sim.now());
    });
  }

  /** Our clock, as the daemons read it. */
  now(): Date {
    return new Date(Date.now() + this.clockOffsetMs);
  }

  /** Records a shipment of every unit left of the order, as `sellersync ship` does. */
  async shipWholeOrder(amazonOrderId: string, tracking: string, sellerIndex = 0) {
    const order = this.simulator.sim.store.orders.get(amazonOrderId);
    if (!order) throw new Error(`no simulated order ${amazonOrderId}`);
    return recordShipment(
      this.context.db,
      this.seller(sellerIndex).company.id,
      {
        amazonOrderId,
        // A carrier of its own: any tracking number is taken, and Amazon's check of CarrierName still applies.
        carrier: 'Other',
        carrierName: 'Fault Freight',
        trackingNumber: tracking,
        // No ship date: shipped now, on Amazon's clock, as `sellersync ship` without --ship-date.
        items: order.items.map((item) => ({ orderItemId: item.orderItemId, quantity: item.quantity })),
      },
      this.now(),
    );
  }

  /** Requests a seller cancellation of the whole order, as `orders cancel` does. */
  async cancelOrder(amazonOrderId: string, sellerIndex = 0) {
    const company = await getCompany(this.context.db, this.seller(sellerIndex).company.id);
    return requestCancellation(
      this.context.db,
      fulfillmentShipmentGuard,
      company,
      { amazonOrderId, reason: 'NoInventory' },
      this.now(),
    );
  }

  /** Requests a full refund of a shipped order, as `orders refund --full` does, with no hold. */
  async refundOrder(amazonOrderId: string, sellerIndex = 0) {
    const company = await getCompany(this.context.db, this.seller(sellerIndex).company.id);
    return requestRefund(
      this.context.db,
      company,
      { amazonOrderId, reason: 'CustomerReturn', full: true },
      { holdMinutes: 0 },
      this.now(),
    );
  }

  runs(kind: JobKind, sellerIndex = 0): Promise<JobRun[]> {
    return listRuns(this.context.db, { companyId: this.seller(sellerIndex).company.id, kind });
  }

  /** Waits for a run of the kind newer than `afterId` to end with one of the statuses; returns it. */
  async waitForRun(
    kind: JobKind,
    options: { after?: number; statuses?: JobRun['status'][]; sellerIndex?: number; timeoutMs?: number } = {},
  ): Promise<JobRun> {
    const statuses = options.statuses ?? ['succeeded'];
    const found = await until(
      async () =>
        (await this.runs(kind, options.sellerIndex)).find(
          (run) => run.id > (options.after ?? 0) && statuses.includes(run.status),
        ),
      `a ${kind} run ${statuses.join('/')}`,
      options.timeoutMs ?? 90_000,
    );
    return found;
  }

  /** The newest run id of the kind, 0 when none. */
  async lastRunId(kind: JobKind, sellerIndex = 0): Promise<number> {
    return (await this.runs(kind, sellerIndex))[0]?.id ?? 0;
  }

  /** Runs a job now in a live daemon (its admin API) and answers how it ended. */
  runNow(kind: JobKind, sellerIndex = 0): Promise<RunSummary> {
    return this.liveDaemon().runNow(this.seller(sellerIndex).company.id, kind);
  }

  /** An order download run now that must succeed (a coalesced one is tried again). */
  downloadNow(sellerIndex = 0): Promise<RunSummary> {
    return this.succeedNow('order-download', sellerIndex);
  }

  /**
   * A run of the kind now that must succeed (a coalesced or deferred one is tried again). A run still in
   * progress is waited for as long as one call may wait in it: a daemon that never learnt Amazon's rate
   * backs off a 429 at the plan's default (getReports 45-68 s, searchOrders up to the 190 s allowed).
   */
  async succeedNow(kind: JobKind, sellerIndex = 0): Promise<RunSummary> {
    const inProgressUntil = Date.now() + DEFAULT_RETRY_POLICY.maxInlineWaitMs + 10_000;
    for (let attempt = 0; ; attempt++) {
      const outcome = await this.runNow(kind, sellerIndex);
      if (outcome.status === 'succeeded') return outcome;
      const inProgress = outcome.status === 'skipped' && (outcome.reason ?? '').startsWith('coalesced');
      if (inProgress ? Date.now() > inProgressUntil : attempt >= 20)
        throw new Error(`${kind} ${outcome.status}: ${outcome.reason ?? ''}`);
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  }

  /** Queues a manual run on a live daemon and waits for one that ends as asked. */
  async runAndWait(
    kind: JobKind,
    options: { sellerIndex?: number; statuses?: JobRun['status'][]; timeoutMs?: number } = {},
  ): Promise<JobRun> {
    const after = await this.lastRunId(kind, options.sellerIndex);
    await this.liveDaemon().queueRun(this.seller(options.sellerIndex).company.id, kind);
    return this.waitForRun(kind, { ...options, after });
  }

  /**
   * Ends every fault and brings everything to rest: proxies pass, Redis up, Amazon's time moved past the
   * 2-minute rule and past feed processing, then downloads, uploads and follow-ups run on a live daemon
   * until nothing is left in flight, and the settlements of companies that reconcile them. The invariant
   * check runs after this.
   */
  async settle(): Promise<void> {
    this.simulator.sim.faults.clear();
    this.amazonProxy.resume();
    this.postgresProxy.resume();
    await this.amazonProxy.up();
    await this.postgresProxy.up();
    if (!this.daemons.some((d) => d.alive)) await this.startDaemon();
    for (let round = 0; round < 6; round++) {
      for (let index = 0; index < this.sellers.length; index++)
        for (const kind of UPLOADS) await this.runNow(kind, index);
      if (!(await this.somethingInFlight())) break;
      // Amazon processes the feeds; every follow-up look is made due at once rather than waited for.
      this.advance(10);
      await this.context.db
        .updateTable('feeds')
        .set({ next_check_at: null })
        .where('state', 'in', [...OPEN_FEED_STATES])
        .execute();
      for (let index = 0; index < this.sellers.length; index++) await this.runNow('feed-follow-up', index);
    }
    for (let index = 0; index < this.sellers.length; index++) {
      this.advance(3);
      for (let run = 0; run < 2; run++) await this.downloadNow(index);
      const company = await getCompany(this.context.db, this.seller(index).company.id);
      if (company.settlementReconciliation) await this.succeedNow('settlement-reconciliation', index);
    }
  }

  /** Feeds open or entities waiting to be sent. */
  private async somethingInFlight(): Promise<boolean> {
    const { db } = this.context;
    const feeds = await db
      .selectFrom('feeds')
      .select('id')
      .where('state', 'in', [...OPEN_FEED_STATES])
      .executeTakeFirst();
    const shipments = await db
      .selectFrom('shipments')
      .select('id')
      .where('state', 'in', ['pending_upload', 'uploading'])
      .executeTakeFirst();
    const cancellations = await db
      .selectFrom('cancellations')
      .select('id')
      .where('state', 'in', ['requested', 'in_feed'])
      .executeTakeFirst();
    const refunds = await db
      .selectFrom('refunds')
      .select('id')
      .where('state', 'in', ['requested', 'in_feed'])
      .executeTakeFirst();
    return Boolean(feeds ?? shipments ?? cancellations ?? refunds);
  }

  /** The warnings and errors every daemon logged, for a failing test to show. */
  problems(): string {
    return this.daemons
      .map((daemon) => {
        const lines = daemon
          .output()
          .split('\n')
          .filter((line) => /"level":(40|50|60)|^[^{]/.test(line));
        return `${daemon.name}:\n${lines.slice(-30).join('\n')}`;
      })
      .join('\n');
  }

  /** The invariant check over Postgres, the simulator and every daemon's log (killed ones too). */
  async check(options: { abandonedAfterMs?: number } = {}): Promise<InvariantReport> {
    await this.cursors.sample().catch(() => undefined);
    return checkInvariants({
      db: this.context.db,
      sim: this.simulator.sim,
      companies: this.sellers.map((s) => ({
        id: s.company.id,
        sellerId: s.sellerId,
        secrets: [s.clientSecret, s.refreshToken],
      })),
      logs: this.daemons.map((daemon) => ({ name: daemon.name, text: daemon.output() })),
      secrets: [this.context.config.adminToken, this.daemonEnv.ENCRYPTION_KEY ?? ''],
      cursorRegressions: this.cursors.regressions,
      leaseMs: Number(this.daemonEnv.JOB_LEASE_MS),
      // A daemon closes a run left without its lease at its next reconcile.
      abandonedAfterMs:
        Number(this.daemonEnv.JOB_LEASE_MS) + Number(this.daemonEnv.SCHEDULE_RECONCILE_INTERVAL_MS),
      ...options,
    });
  }

  async close(): Promise<void> {
    this.cursors.stop();
    // FAULTS_LOG_DIR keeps every daemon's output for a look after the run.
    const dir = process.env.FAULTS_LOG_DIR;
    if (dir) {
      mkdirSync(dir, { recursive: true });
      for (const daemon of this.daemons)
        writeFileSync(join(dir, `${this.context.databaseName}-${daemon.name}.log`), daemon.output());
    }
    await Promise.all(this.daemons.map((daemon) => daemon.kill9()));
    await this.amazonProxy.close();
    await this.postgresProxy.close();
    await this.simulator.close();
    this.redis.disconnect();
    await this.redisServer.stop();
    await this.context.cleanup();
  }
}

export async function until<T>(
  probe: () => Promise<T | undefined | false | null>,
  what: string,
  timeoutMs = 60_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
