import { setTimeout as sleep } from 'node:timers/promises';
import { OPEN_FEED_STATES } from '../../src/feeds/feed-states.js';
import type { JobKind } from '../../src/jobs/kinds.js';
import { describeFault, seededRandom, type ChaosFault } from './chaos-schedule.js';
import type { InvariantReport, Violation } from './invariants.js';
import type { FaultDaemon } from './daemon.js';
import type { FaultWorld } from './world.js';

/**
 * A chaos run on a FaultWorld: a workload (orders placed, shipped, cancelled and refunded, runs queued on
 * either daemon) while the fault schedule plays, then every fault ended, everything settled and the
 * invariant check.
 */

const KINDS: JobKind[] = ['order-download', 'fulfillment-upload', 'cancellation-upload', 'refund-upload'];

export interface ChaosResult {
  seed: number;
  simulated_minutes: number;
  faults: number;
  orders: number;
  shipments: number;
  cancellations: number;
  refunds: number;
  lost: number;
  doubled: number;
  violations: string[];
}

export interface ChaosOptions {
  seed: number;
  simulatedMinutes: number;
  timeScale: number;
  schedule: ChaosFault[];
  log: (line: string) => void;
}

/** A violation that is something missing (lost) or something twice (doubled); others are neither. */
export function classify(violation: Violation): 'lost' | 'doubled' | 'other' {
  const { detail } = violation;
  if (
    /stored 0 times|not cancelled on Amazon|confirmed, 0 packages|accepted, 0 messages|sent 0 times|stored but not on Amazon/.test(
      detail,
    )
  )
    return 'lost';
  if (
    /stored [2-9]\d* times|sent [2-9]\d* times|: [2-9]\d* packages|[2-9]\d* cancellation messages|overlapped/.test(
      detail,
    )
  )
    return 'doubled';
  return 'other';
}

const WARM_COMPANIES = 5;

/**
 * Before the faults: an order of each of the first companies downloaded, shipped and confirmed by Amazon,
 * so that refunds (of shipped orders only) are requested and uploaded while the faults play.
 */
async function warmUp(world: FaultWorld): Promise<void> {
  const warm = world.sellers.slice(0, WARM_COMPANIES).map((_, index) => index);
  const orders = warm.map((index) => world.placeOrders([{ items: [{ quantity: 2 }] }], index)[0] ?? '');
  world.advance(5);
  for (const index of warm) {
    await world.downloadNow(index);
    await world.downloadNow(index);
    await world.shipWholeOrder(orders[index] ?? '', `1Z999AA1${String(index).padStart(10, '9')}`, index);
    await world.runNow('fulfillment-upload', index);
  }
  world.advance(10);
  await world.context.db
    .updateTable('feeds')
    .set({ next_check_at: null })
    .where('state', 'in', [...OPEN_FEED_STATES])
    .execute();
  for (const index of warm) await world.runNow('feed-follow-up', index);
}

export async function runChaos(world: FaultWorld, options: ChaosOptions): Promise<ChaosResult> {
  await warmUp(world);
  const windowMs = (options.simulatedMinutes * 60_000) / options.timeScale;
  const random = seededRandom(options.seed ^ 0x5eed);
  const started = Date.now();
  const pending = new Set<Promise<unknown>>();
  const background = (what: string, work: () => Promise<unknown>) => {
    const promise = work()
      .catch((err: unknown) => options.log(`${what}: ${(err as Error).message.split('\n')[0] ?? ''}`))
      .finally(() => pending.delete(promise));
    pending.add(promise);
  };

  let next = 0;
  let tracking = 0;
  for (let tick = 0; Date.now() - started < windowMs; tick++) {
    const elapsed = Date.now() - started;
    for (; next < options.schedule.length && (options.schedule[next]?.atMs ?? Infinity) <= elapsed; next++) {
      const fault = options.schedule[next];
      if (!fault) continue;
      options.log(`fault ${describeFault(fault)}`);
      background(fault.kind, () => inject(world, fault));
    }
    // Workload, once per tick: new orders, shipments, cancellations and refunds, and runs queued.
    const seller = Math.floor(random() * world.sellers.length);
    world.placeOrders([{ items: [{ quantity: 1 + Math.floor(random() * 3) }] }], seller);
    background('workload', async () => {
      const orders = await world.context.db
        .selectFrom('orders')
        .leftJoin('shipments', 'shipments.order_id', 'orders.id')
        // An order being cancelled stays Unshipped until Amazon's cancellation is downloaded: left in, the
        // same four were drawn tick after tick and the workload stopped shipping and cancelling.
        .leftJoin('cancellations', 'cancellations.order_id', 'orders.id')
        .select(['orders.amazon_order_id', 'orders.company_id', 'orders.status'])
        .where('shipments.id', 'is', null)
        .where('cancellations.id', 'is', null)
        .where('orders.status', '=', 'Unshipped')
        .limit(4)
        .execute();
      for (const order of orders) {
        const index = world.sellers.findIndex((s) => s.company.id === order.company_id);
        const roll = random();
        if (roll < 0.5) {
          tracking += 1;
          await world.shipWholeOrder(
            order.amazon_order_id,
            `1Z999AA1${String(tracking).padStart(10, '0')}`,
            index,
          );
        } else if (roll < 0.65) {
          await world.cancelOrder(order.amazon_order_id, index).catch(() => undefined);
        }
      }
      const shipped = await world.context.db
        .selectFrom('shipments')
        .leftJoin('refunds', 'refunds.amazon_order_id', 'shipments.amazon_order_id')
        .select(['shipments.amazon_order_id', 'shipments.company_id'])
        .where('shipments.state', '=', 'confirmed')
        .where('refunds.id', 'is', null)
        .limit(2)
        .execute();
      for (const shipment of shipped) {
        const index = world.sellers.findIndex((s) => s.company.id === shipment.company_id);
        await world.refundOrder(shipment.amazon_order_id, index).catch(() => undefined);
      }
    });
    const daemon =
      world.daemons.filter((d) => d.alive)[Math.floor(random() * 2)] ?? world.daemons.find((d) => d.alive);
    const kind = KINDS[Math.floor(random() * KINDS.length)] ?? 'order-download';
    const company = world.sellers[Math.floor(random() * world.sellers.length)]?.company.id;
    if (daemon && company !== undefined) background('queue run', () => daemon.queueRun(company, kind));
    if (daemon && tick % 4 === 0) background('follow-up', () => followUpNow(world, daemon, random()));
    await sleep(250);
  }
  options.log(`window over after ${Date.now() - started} ms; ending every fault and settling`);
  await Promise.allSettled([...pending]);
  await restoreEverything(world);
  await world.settle();
  const report = await world.check();
  return chaosResult(options, report);
}

/** The run's JSON line: exactly these fields, whatever else the invariant check counts. */
export function chaosResult(
  options: Pick<ChaosOptions, 'seed' | 'simulatedMinutes' | 'schedule'>,
  report: Pick<InvariantReport, 'violations' | 'counts'>,
): ChaosResult {
  const classes = report.violations.map(classify);
  const { orders, shipments, cancellations, refunds } = report.counts;
  return {
    seed: options.seed,
    simulated_minutes: options.simulatedMinutes,
    faults: options.schedule.length,
    orders,
    shipments,
    cancellations,
    refunds,
    lost: classes.filter((c) => c === 'lost').length,
    doubled: classes.filter((c) => c === 'doubled').length,
    violations: report.violations.map((v) => `${v.invariant}: ${v.detail}`),
  };
}

/**
 * The submitted feeds' next looks made due, and a follow-up queued for one of their companies: the follow-up
 * waits a minute of our clock (the window lasts 30 s) while Amazon, 60 times faster, has processed the
 * feed within seconds, so without this no feed would be followed, and no shipment confirmed (nor then
 * refunded), until settling.
 */
async function followUpNow(world: FaultWorld, daemon: FaultDaemon, draw: number): Promise<void> {
  const due = await world.context.db
    .updateTable('feeds')
    .set({ next_check_at: null })
    .where('state', '=', 'submitted')
    .returning('company_id')
    .execute();
  const companies = [...new Set(due.map((feed) => feed.company_id))].sort((a, b) => a - b);
  const company = companies[Math.floor(draw * companies.length)];
  if (company !== undefined) await daemon.queueRun(company, 'feed-follow-up');
}

/** Every daemon slot filled again (a killed or stopped one restarted), Redis running, proxies up. */
async function restoreEverything(world: FaultWorld): Promise<void> {
  await world.redisServer.start();
  world.amazonProxy.resume();
  world.postgresProxy.resume();
  await world.amazonProxy.up();
  await world.postgresProxy.up();
  while (world.daemons.filter((d) => d.alive).length < 2) await world.startDaemon();
}

async function inject(world: FaultWorld, fault: ChaosFault): Promise<void> {
  const { count, durationMs } = fault;
  switch (fault.kind) {
    case 'amazon-429-storm':
      return world.fault({ kind: 'throttle', operation: '*', count });
    case 'amazon-5xx-burst':
      return world.fault({ kind: 'server-error', operation: '*', count, status: 503 });
    case 'amazon-slow':
      return world.fault({ kind: 'slow', operation: '*', count, delayMs: durationMs });
    case 'amazon-slow-answer-createFeed':
      return world.fault({ kind: 'slow-answer', operation: 'createFeed', count: 1, delayMs: durationMs });
    case 'amazon-dropped-connections':
      return world.fault({ kind: 'drop-connection', operation: '*', count });
    case 'amazon-truncated-download':
      return world.fault({ kind: 'truncate-download', operation: '*', count: 1 });
    case 'amazon-feed-fatal':
      return world.fault({ kind: 'feed-fatal', count: 1 });
    case 'amazon-report-stuck':
      return world.fault({ kind: 'report-stuck', count: 1 });
    case 'amazon-late-visible':
      // 3-6 simulated minutes: beyond Amazon's two, within them plus the window overlap (5).
      await world.fault({ kind: 'late-visible', lagMs: (3 + (count % 4)) * 60_000 });
      await sleep(durationMs);
      await world.fault({ kind: 'late-visible', lagMs: 0 });
      return;
    case 'amazon-proxy-reset':
      world.amazonProxy.reset();
      return;
    case 'amazon-proxy-stall':
      world.amazonProxy.stall();
      await sleep(durationMs);
      world.amazonProxy.resume();
      return;
    case 'postgres-cut':
      world.postgresProxy.cut();
      return;
    case 'postgres-down':
      await world.postgresProxy.down();
      await sleep(durationMs);
      await world.postgresProxy.up();
      return;
    case 'redis-restart':
      await world.redisServer.stop();
      await sleep(durationMs);
      await world.redisServer.start();
      return;
    case 'redis-flushall':
      await world.redis.flushall();
      return;
    case 'redis-client-kill':
      await world.redis.client('KILL', 'TYPE', 'normal', 'SKIPME', 'yes');
      return;
    case 'daemon-kill-9':
    case 'daemon-sigterm': {
      const daemon = world.daemons.filter((d) => d.alive)[fault.target];
      if (!daemon) return;
      if (fault.kind === 'daemon-kill-9') await daemon.kill9();
      else await daemon.term();
      await sleep(durationMs);
      await world.startDaemon();
      return;
    }
    case 'triple-trigger': {
      const company = world.sellers[fault.target % world.sellers.length]?.company.id;
      const live = world.daemons.filter((d) => d.alive);
      if (company === undefined || live.length === 0) return;
      await Promise.allSettled(
        [0, 1, 2].map((i) => live[i % live.length]?.queueRun(company, 'order-download')),
      );
      return;
    }
  }
}
