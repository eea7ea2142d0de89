import { afterEach, describe, expect, it } from 'vitest';
import { FaultWorld, until, type PlacedOrder } from './world.js';

/**
 * Order downloads under Amazon's paging and report faults, against real daemons: pagination tokens
 * repeated and refused, a daemon killed while it reads the all-orders report, and reports that never
 * finish. Each row ends with settle() and the invariant check.
 */

let world: FaultWorld | undefined;

afterEach(async () => {
  await world?.close();
  world = undefined;
});

/** Report settings small enough to be seen within a test: polled every 0.5 s, given up after a minute. */
const REPORT_ENV = {
  ORDER_REPORT_EXPECTED_SECONDS: '60',
  ORDER_REPORT_QUEUE_TIMEOUT_MINUTES: '1',
  ORDER_REPORT_PROCESSING_TIMEOUT_MINUTES: '1',
};

async function startWorld(options: Parameters<typeof FaultWorld.start>[0]): Promise<FaultWorld> {
  world = await FaultWorld.start(options);
  // Amazon produces a report in 3 s rather than 2 minutes.
  world.simulator.sim.settings.reportQueueMs = 1_000;
  world.simulator.sim.settings.reportProcessingMs = 2_000;
  world.cursors.start();
  return world;
}

const amazonFulfilled = (count: number): PlacedOrder[] =>
  Array.from({ length: count }, () => ({ fulfilledBy: 'AMAZON' as const }));

/**
 * Amazon-fulfilled orders (no buyer data to fetch), placed a hundred at a time a minute apart: the first
 * page's hundred share one second, so the backlog looks large and the download takes the report plan.
 */
function placeBacklog(target: FaultWorld, batches: number, sellerIndex = 0): void {
  for (let batch = 0; batch < batches; batch++) {
    target.placeOrders(amazonFulfilled(100), sellerIndex);
    target.advance(1);
  }
  target.advance(5);
}

async function firstSeenEvents(target: FaultWorld, sellerIndex = 0): Promise<number> {
  const rows = await target.context.db
    .selectFrom('order_events')
    .innerJoin('orders', 'orders.id', 'order_events.order_id')
    .select('order_events.id')
    .where('orders.company_id', '=', target.seller(sellerIndex).company.id)
    .where('order_events.kind', '=', 'first_seen')
    .execute();
  return rows.length;
}

/** The statuses of the paginated searchOrders calls (those that carried a token). */
function pagedSearchStatuses(target: FaultWorld): number[] {
  return target.simulator.sim.store.requests
    .filter((r) => r.operation === 'searchOrders' && r.query.paginationToken !== undefined)
    .map((r) => r.status);
}

async function settleAndCheck(target: FaultWorld, orders: number): Promise<void> {
  await target.settle();
  const report = await target.check();
  expect(report.violations).toEqual([]);
  expect(report.counts.orders).toBe(orders);
}

describe('order downloads under paging and report faults', { timeout: 240_000 }, () => {
  it('a repeated page and a refused pagination token: the window restarts from the committed cursor, every order once', async () => {
    const w = await startWorld({ seed: 171 });
    const daemon = await w.startDaemon();
    await w.idle();
    w.placeOrders(Array.from({ length: 250 }, () => ({})));
    w.advance(5);
    // The first paginated call is refused as an expired token would be; after the restart, the second
    // page comes back as the first one again, under a token that leads on to the second.
    await w.fault({ kind: 'token-rejected', operation: 'searchOrders', count: 1 });
    await w.fault({ kind: 'page-repeated', operation: 'searchOrders', count: 1 });
    const started = performance.now();
    const outcome = await daemon.runNow(w.seller().company.id, 'order-download');
    const runMs = performance.now() - started;
    expect(outcome).toMatchObject({ status: 'succeeded', counts: { windowRestarts: 1, plan_search: 1 } });
    // Pages: 1 before the refusal, then 1, 1 again, 2 and 3.
    expect(outcome.counts.pages).toBe(5);
    expect(outcome.counts.inserted).toBe(250);
    expect(pagedSearchStatuses(w)).toEqual([400, 200, 200, 200]);
    expect(daemon.output()).toContain(
      'pagination token refused; restarting the window from the committed cursor',
    );
    expect(await firstSeenEvents(w)).toBe(250);
    const cursor = await w.context.db
      .selectFrom('sync_cursors')
      .select('position')
      .where('company_id', '=', w.seller().company.id)
      .executeTakeFirstOrThrow();
    expect((cursor.position as { window?: unknown }).window).toBeUndefined();

    await settleAndCheck(w, 250);
    console.log(JSON.stringify({ row: 'repeated page and refused token', runMs: Math.round(runMs) }));
  });

  it('kill -9 while the report is read: the next daemon reads it again, the same rows once', async () => {
    const w = await startWorld({ seed: 172, env: REPORT_ENV });
    const first = await w.startDaemon();
    await w.idle();
    placeBacklog(w, 60);
    // The report's first half comes at once, the rest a minute later: the kill lands between them, after
    // the first batch of 2,000 orders was committed.
    await w.fault({ kind: 'stall-download', operation: 'downloadDocument', delayMs: 60_000 });
    const killedRun = first.runNow(w.seller().company.id, 'order-download').catch(() => 'killed');
    const running = await until(
      async () => {
        const [run] = await w.runs('order-download');
        return run?.status === 'running' && (run.counts.reportOrders ?? 0) >= 2_000 ? run : undefined;
      },
      'a report batch committed',
      120_000,
    );
    expect(running.counts.plan_report).toBe(1);
    await first.kill9();
    const killedAt = Date.now();
    expect(await killedRun).toBe('killed');
    const stored = await w.context.db.selectFrom('orders').select('id').execute();
    expect(stored.length).toBeGreaterThanOrEqual(2_000);
    expect(stored.length).toBeLessThan(6_000);

    w.simulator.sim.faults.clear();
    await w.startDaemon();
    // Coalesced while the dead run's lease lasts, then run (the new daemon's own schedule may get there
    // first): the window still holds the report, which is read again from its start.
    await w.downloadNow();
    const after = (await w.runs('order-download')).filter((run) => run.id > running.id);
    // The first run after the kill that was not coalesced (newest first): it finished the dead run's window.
    const resumed = after.filter((run) => run.status !== 'skipped').at(-1);
    expect(resumed).toMatchObject({
      status: 'deferred',
      error: expect.stringMatching(/^finished the window an earlier run left/),
    });
    // The whole report read again: the rows the dead run committed come back unchanged (stale), the rest new.
    expect(resumed?.counts).toMatchObject({
      reportOrders: 6_000,
      inserted: 6_000 - stored.length,
      stale: stored.length,
      updated: 0,
    });
    // From the kill to the end of that run (run times are the machine's).
    const recoveryMs = (resumed?.finishedAt?.getTime() ?? Infinity) - killedAt;
    // No new report was asked for: the dead run's one was read again.
    expect(resumed?.counts.plan_report).toBeUndefined();
    expect([...w.simulator.sim.store.reports.values()][0]?.processingStatus).toBe('DONE');
    expect(await firstSeenEvents(w)).toBe(6_000);
    const runs = await w.runs('order-download');
    expect(runs.find((run) => run.id === running.id)).toMatchObject({
      status: 'failed',
      error: 'abandoned: the process running it stopped',
    });
    expect(recoveryMs).toBeLessThan(60_000);

    await settleAndCheck(w, 6_000);
    console.log(
      JSON.stringify({
        row: 'kill -9 during a report ingest',
        committedBeforeKill: stored.length,
        recoveryMs: Math.round(recoveryMs),
      }),
    );
  });

  it('reports stuck IN_QUEUE, stuck IN_PROGRESS and FATAL: cancelled or abandoned, searchOrders finishes every window', async () => {
    const w = await startWorld({ seed: 173, sellers: 3, env: REPORT_ENV });
    const daemon = await w.startDaemon();
    await w.idle();
    const backlog = 150;
    for (let index = 0; index < 3; index++) {
      w.placeOrders(amazonFulfilled(100), index);
      w.placeOrders(amazonFulfilled(backlog - 100), index);
    }
    w.advance(10);
    for (let index = 0; index < 3; index++) w.placeOrders(amazonFulfilled(1), index);
    w.advance(5);
    const { sim } = w.simulator;
    const mishaps = ['report-stuck', 'report-stuck-in-progress', 'report-fatal'] as const;
    const started: number[] = [];
    const outcomes = mishaps.map(async (kind, index) => {
      // Each seller's report is created before the next mishap is armed: the mishap goes to that seller's.
      await until(async () => sim.store.reports.size === index, `report ${index} created`);
      sim.faults.addSticky(kind, 1);
      started[index] = performance.now();
      const outcome = await daemon.runNow(w.seller(index).company.id, 'order-download');
      return { outcome, ms: performance.now() - (started[index] ?? 0) };
    });
    const ended = await Promise.all(outcomes);
    for (const { outcome } of ended) {
      expect(outcome).toMatchObject({
        status: 'succeeded',
        counts: { plan_report: 1, reportFallbacks: 1, inserted: backlog + 1 },
      });
    }
    const reportOf = (index: number) =>
      [...sim.store.reports.values()].find((r) => r.sellerId === w.seller(index).sellerId);
    expect([0, 1, 2].map((index) => reportOf(index)?.processingStatus)).toEqual([
      'CANCELLED',
      'IN_PROGRESS',
      'FATAL',
    ]);
    const cancels = sim.store.requests.filter((r) => r.operation === 'cancelReport');
    expect(cancels.map((r) => [r.path.split('/').at(-1), r.status])).toEqual([[reportOf(0)?.reportId, 200]]);
    expect(sim.store.requests.filter((r) => r.operation === 'getReportDocument')).toEqual([]);
    const log = daemon.output();
    expect(log).toContain('order report stuck in queue; cancelled');
    expect(log).toContain('order report stuck in progress; abandoned');
    // The two stuck reports were given up past the one-minute limits, the FATAL one at once.
    expect(ended[0]?.ms).toBeGreaterThan(60_000);
    expect(ended[1]?.ms).toBeGreaterThan(60_000);
    expect(ended[2]?.ms).toBeLessThan(60_000);
    for (let index = 0; index < 3; index++) expect(await firstSeenEvents(w, index)).toBe(backlog + 1);

    await settleAndCheck(w, 3 * (backlog + 1));
    console.log(
      JSON.stringify({
        row: 'reports stuck IN_QUEUE / IN_PROGRESS / FATAL',
        runMs: ended.map(({ ms }) => Math.round(ms)),
      }),
    );
  });
});
