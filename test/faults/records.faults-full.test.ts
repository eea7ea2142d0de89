import { Readable } from 'node:stream';
import iconv from 'iconv-lite';
import { afterEach, describe, expect, it } from 'vitest';
import { updateCompany } from '../../src/companies/companies.service.js';
import { ABANDONED } from '../../src/jobs/job-runs.repository.js';
import { ingestSettlement } from '../../src/settlements/settlements.ingest.js';
import { SETTLEMENT_REPORT_TYPE } from '../../src/simulator/settlement.js';
import { addTestCompany } from '../helpers/companies.js';
import { createTestContext } from '../helpers/context.js';
import { FAULT_WORLD_START, FaultWorld, until } from './world.js';

let world: FaultWorld | undefined;

afterEach(async () => {
  await world?.close();
  world = undefined;
});

async function setToggles(of: FaultWorld, changes: Record<string, boolean>, sellerIndex = 0): Promise<void> {
  const { context } = of;
  await updateCompany(context.db, context.config.keyring, of.seller(sellerIndex).company.id, changes);
}

/** A settlement's lines as stored (whatever its primary key), in file order. */
async function linesOf(db: FaultWorld['context']['db'], companyId: number, settlementId: string) {
  return db
    .selectFrom('settlement_lines')
    .innerJoin('settlements', 'settlements.id', 'settlement_lines.settlement_pk')
    .select([
      'settlement_lines.line',
      'settlement_lines.sub',
      'settlement_lines.transaction_type',
      'settlement_lines.order_id',
      'settlement_lines.amount_description',
      'settlement_lines.amount',
      'settlement_lines.order_item_code',
      'settlement_lines.posted_raw',
    ])
    .where('settlements.company_id', '=', companyId)
    .where('settlements.settlement_id', '=', settlementId)
    .orderBy('settlement_lines.line')
    .orderBy('settlement_lines.sub')
    .execute();
}

/** The same document ingested once, without faults, into a database of its own. */
async function cleanIngest(content: Buffer, settlementId: string) {
  const clean = await createTestContext();
  try {
    const company = await addTestCompany(clean);
    await ingestSettlement(clean.db, Readable.from([content]), {
      companyId: company.id,
      source: 'file:clean',
      charset: 'Cp1252',
      now: () => FAULT_WORLD_START,
    });
    return await linesOf(clean.db, company.id, settlementId);
  } finally {
    await clean.cleanup();
  }
}

describe('kill -9 of a daemon during a settlement ingest', { timeout: 400_000 }, () => {
  it('the next daemon’s run stores the same rows once, as a clean ingest does', async () => {
    const w = (world = await FaultWorld.start({ seed: 172 }));
    // The backlog takes the report plan: Amazon produces the report in seconds.
    w.simulator.sim.settings.reportQueueMs = 1_000;
    w.simulator.sim.settings.reportProcessingMs = 2_000;
    w.cursors.start();
    await setToggles(w, { settlementReconciliation: true });
    await w.control('PUT', '/rate-limits/listTransactions', { rate: 5, burst: 20 });
    const first = await w.startDaemon();
    await w.idle();
    // 110 Amazon-fulfilled orders of 20 items each, shipped by Amazon: a settlement of about 9,000 rows.
    w.placeOrders(
      Array.from({ length: 110 }, () => ({
        fulfilledBy: 'AMAZON' as const,
        items: Array.from({ length: 20 }, () => ({})),
      })),
    );
    w.advance(6 * 60);
    await w.downloadNow();
    await w.downloadNow();
    await w.control('POST', '/settlements/close');
    const [closed] = [...w.simulator.sim.store.reports.values()].filter(
      (report) => report.sellerId === w.seller().sellerId && report.reportType === SETTLEMENT_REPORT_TYPE,
    );
    const document = w.simulator.sim.store.documents.get(closed?.reportDocumentId ?? '');
    const content = document?.content ?? Buffer.alloc(0);
    const text = iconv.decode(content, 'windows-1252');
    const settlementId = text.split('\n')[1]?.split('\t')[0] ?? '';
    const rows = text.split('\n').filter((line) => line.trim() !== '').length - 2;
    expect(rows).toBeGreaterThan(8_000);

    // The document's second half is held 30 s: the kill lands while it is read, its first batch committed.
    await w.fault({ kind: 'stall-download', operation: 'downloadDocument', count: 1, delayMs: 30_000 });
    const companyId = w.seller().company.id;
    const killedRun = first.runNow(companyId, 'settlement-reconciliation').catch(() => 'killed');
    await until(
      async () => (await linesOf(w.context.db, companyId, settlementId)).length > 0,
      'a batch of the settlement committed',
      120_000,
    );
    await first.kill9();
    const killedAt = performance.now();
    expect(await killedRun).toBe('killed');
    const before = (await linesOf(w.context.db, companyId, settlementId)).length;
    expect(before).toBeGreaterThan(0);
    expect(before).toBeLessThan(rows);
    const partial = await w.context.db
      .selectFrom('settlements')
      .select('state')
      .where('settlement_id', '=', settlementId)
      .executeTakeFirstOrThrow();
    expect(partial.state).toBe('ingesting');

    w.simulator.sim.faults.clear();
    await w.startDaemon();
    // Coalesced while the dead run's lease lasts, then run.
    const rerun = await w.succeedNow('settlement-reconciliation');
    const recoveryMs = performance.now() - killedAt;
    const rerunRow = (await w.runs('settlement-reconciliation')).find((run) => run.id === rerun.runId);
    const rerunMs = (rerunRow?.finishedAt?.getTime() ?? 0) - (rerunRow?.startedAt.getTime() ?? 0);
    expect(rerun.counts).toMatchObject({ reports_ingested: 1, lines: rows, quarantined: 0 });
    const stored = await linesOf(w.context.db, companyId, settlementId);
    expect(stored).toHaveLength(rows);
    expect(stored).toEqual(await cleanIngest(content, settlementId));
    const settlement = await w.context.db
      .selectFrom('settlements')
      .select(['state', 'revision', 'adds_up', 'line_count'])
      .where('settlement_id', '=', settlementId)
      .executeTakeFirstOrThrow();
    expect(settlement).toEqual({ state: 'complete', revision: 1, adds_up: true, line_count: rows });

    await w.settle();
    const report = await w.check();
    expect(report.violations).toEqual([]);
    expect(report.counts).toMatchObject({ orders: 110, settlements: 1 });
    console.log(
      JSON.stringify({
        row: 'kill -9 during settlement ingest',
        rows,
        before,
        recoveryMs: Math.round(recoveryMs),
        rerunMs,
      }),
    );
  });
});

async function problemsOf(of: FaultWorld, sellerIndex: number) {
  return of.context.db
    .selectFrom('order_download_problems')
    .select(['amazon_order_id', 'problem', 'source', 'resolved_at'])
    .where('company_id', '=', of.seller(sellerIndex).company.id)
    .orderBy('id')
    .execute();
}

async function storedOrderIds(of: FaultWorld, sellerIndex: number): Promise<Set<string>> {
  const rows = await of.context.db
    .selectFrom('orders')
    .select('amazon_order_id')
    .where('company_id', '=', of.seller(sellerIndex).company.id)
    .execute();
  return new Set(rows.map((row) => row.amazon_order_id));
}

async function settlementOf(of: FaultWorld, sellerIndex: number) {
  const settlement = await of.context.db
    .selectFrom('settlements')
    .select(['id', 'settlement_id', 'state', 'revision', 'adds_up', 'line_count', 'quarantined_count'])
    .where('company_id', '=', of.seller(sellerIndex).company.id)
    .executeTakeFirstOrThrow();
  const quarantined = await of.context.db
    .selectFrom('settlement_quarantine')
    .select(['line', 'reason'])
    .where('settlement_pk', '=', settlement.id)
    .orderBy('line')
    .execute();
  return { ...settlement, quarantined };
}

describe('malformed records served by Amazon', { timeout: 400_000 }, () => {
  it('an order, a report line and a settlement row are each set aside by name, the rest stored, and stored once served right', async () => {
    const w = (world = await FaultWorld.start({
      seed: 173,
      sellers: 2,
      // A report plan as soon as the backlog says so, and Amazon producing reports in seconds.
      env: { ORDER_REPORT_EXPECTED_SECONDS: '1' },
    }));
    w.simulator.sim.settings.reportQueueMs = 1_000;
    w.simulator.sim.settings.reportProcessingMs = 2_000;
    w.cursors.start();
    await w.control('PUT', '/rate-limits/listTransactions', { rate: 5, burst: 20 });
    for (const index of [0, 1]) await setToggles(w, { settlementReconciliation: true }, index);
    await w.startDaemon();
    await w.idle();
    const defect = (orderId: string, place: string, kind: string) =>
      w.control('PUT', `/orders/${orderId}/defects`, { place, kind });
    const heal = (orderId: string) => w.control('DELETE', `/orders/${orderId}/defects`);

    // An order served without its createdTime on searchOrders and getOrder.
    const [good = '', badOrder = ''] = w.placeOrders([{}, {}]);
    const others = w.placeOrders([{}, {}, { fulfilledBy: 'AMAZON' }], 1);
    await defect(badOrder, 'order', 'missing-field');
    w.advance(5);
    await w.downloadNow(0);
    await w.downloadNow(1);
    expect(await problemsOf(w, 0)).toEqual([
      {
        amazon_order_id: badOrder,
        problem: expect.stringMatching(
          new RegExp(`^searchOrders: order ${badOrder} is malformed: .*createdTime is missing`),
        ),
        source: expect.stringMatching(/^searchOrders:/),
        resolved_at: null,
      },
    ]);
    expect([...(await storedOrderIds(w, 0))]).toEqual([good]);
    expect(await problemsOf(w, 1)).toEqual([]);
    expect((await storedOrderIds(w, 1)).size).toBe(others.length);

    // A backlog the report plan takes, one line of it with an item-price written "$12.99"; the window
    // moved past the orders above first, so that its first page shows the backlog's pace alone.
    w.advance(10);
    await w.downloadNow(0);
    const fba = w.placeOrders(Array.from({ length: 119 }, () => ({ fulfilledBy: 'AMAZON' as const })));
    w.advance(1);
    const [badLine = ''] = w.placeOrders([{ fulfilledBy: 'AMAZON' }]);
    await defect(badLine, 'report-line', 'bad-money');
    w.advance(5);
    const reportRun = await w.downloadNow(0);
    expect(reportRun.counts).toMatchObject({ plan_report: 1, problemsStillOpen: 1 });
    const reportProblem = (await problemsOf(w, 0)).find((p) => p.amazon_order_id === badLine);
    expect(reportProblem).toEqual({
      amazon_order_id: badLine,
      problem: expect.stringMatching(
        new RegExp(`^report \\S+ order ${badLine}: item-price "\\$\\d+\\.\\d\\d" is not a decimal$`),
      ),
      source: expect.stringMatching(/^report:/),
      resolved_at: null,
    });
    const stored = await storedOrderIds(w, 0);
    expect(fba.filter((id) => !stored.has(id))).toEqual([]);
    expect(stored.has(badLine)).toBe(false);
    expect(stored.has(badOrder)).toBe(false);

    // Served right again: the next run asks for both and stores them.
    await heal(badOrder);
    await heal(badLine);
    const healed = await w.downloadNow(0);
    expect(healed.counts).toMatchObject({ problemsResolved: 2 });
    expect((await problemsOf(w, 0)).filter((p) => p.resolved_at === null)).toEqual([]);
    const all = await storedOrderIds(w, 0);
    expect([badOrder, badLine].filter((id) => !all.has(id))).toEqual([]);

    // Amazon ships the FBA orders; the settlement writes one order's amounts as "$12.99".
    const [badRow = ''] = fba;
    await defect(badRow, 'settlement-row', 'bad-money');
    w.advance(4 * 60);
    await w.downloadNow(0);
    await w.downloadNow(1);
    await w.control('POST', '/settlements/close');
    for (const index of [0, 1]) await w.succeedNow('settlement-reconciliation', index);
    const set = await settlementOf(w, 0);
    expect(set.quarantined.length).toBeGreaterThan(0);
    for (const row of set.quarantined)
      expect(row.reason).toMatch(/^amount: "-?\$\d+\.\d\d" is not an amount$/);
    expect(set).toMatchObject({
      state: 'complete',
      adds_up: false,
      quarantined_count: set.quarantined.length,
    });
    const rowsOfBadRow = await w.context.db
      .selectFrom('settlement_lines')
      .select('line')
      .where('settlement_pk', '=', set.id)
      .where('order_id', '=', badRow)
      .execute();
    expect(rowsOfBadRow).toEqual([]);
    expect(await settlementOf(w, 1)).toMatchObject({ state: 'complete', adds_up: true, quarantined: [] });

    // Amazon reissues the settlement's report, the row written right: the next run stores it.
    await heal(badRow);
    await w.control('POST', `/settlements/${set.settlement_id}/reissue`);
    const reissued = await w.succeedNow('settlement-reconciliation', 0);
    expect(reissued.counts).toMatchObject({ reports_ingested: 1, quarantined: 0 });
    expect(await settlementOf(w, 0)).toMatchObject({
      state: 'complete',
      revision: 2,
      adds_up: true,
      quarantined_count: 0,
      line_count: set.line_count + set.quarantined.length,
      quarantined: [],
    });

    await w.settle();
    const report = await w.check();
    expect(report.violations).toEqual([]);
    expect(report.counts).toMatchObject({ orders: 2 + 120 + 3, settlements: 2 });
    console.log(
      JSON.stringify({
        row: 'malformed order, report line, settlement row',
        quarantinedRows: set.quarantined.length,
        reportRunCounts: reportRun.counts,
      }),
    );
  });
});

describe('a run left behind by a killed daemon', { timeout: 300_000 }, () => {
  it('a killed upload whose kind is not run again is closed as abandoned once its lease lapses', async () => {
    const w = (world = await FaultWorld.start({ seed: 171 }));
    w.cursors.start();
    const first = await w.startDaemon();
    await w.idle();
    const [order = ''] = w.placeOrders([{}]);
    w.advance(5);
    await w.downloadNow();
    await w.shipWholeOrder(order, 'FAULTLEFT1');
    // The upload's createFeedDocument is held: the run is killed while it waits for Amazon.
    await w.fault({ kind: 'slow', operation: 'createFeedDocument', count: 1, delayMs: 60_000 });
    const killedRun = first.runNow(w.seller().company.id, 'fulfillment-upload').catch(() => 'killed');
    const running = await until(async () => {
      const [run] = await w.runs('fulfillment-upload');
      const held = w.simulator.sim.faults.list().pending.length === 0;
      return run?.status === 'running' && held ? run : undefined;
    }, 'an upload waiting on createFeedDocument');
    await first.kill9();
    const killedAt = performance.now();
    expect(await killedRun).toBe('killed');
    // The operator stops uploads for the company: no run of the kind comes to take its lease up.
    await setToggles(w, { allowFulfillmentUpload: false });
    w.simulator.sim.faults.clear();
    await w.startDaemon();

    const closed = await until(
      async () => {
        const runs = await w.runs('fulfillment-upload');
        const dead = runs.find((run) => run.id === running.id);
        return dead?.status !== 'running' ? { dead, runs } : undefined;
      },
      'the dead upload closed',
      60_000,
    ).catch(async (err: unknown) => {
      throw new Error(`${(err as Error).message}: ${JSON.stringify(await w.runs('fulfillment-upload'))}`);
    });
    const closedMs = performance.now() - killedAt;
    expect(closed.dead).toMatchObject({ status: 'failed', error: ABANDONED });
    // Closed with no later run of its kind.
    expect(closed.runs.filter((run) => run.id > running.id)).toEqual([]);
    const report = await w.check();
    expect(report.violations).toEqual([]);
    expect(report.pending.shipments).toBe(1);

    await setToggles(w, { allowFulfillmentUpload: true });
    await w.settle();
    const settled = await w.check();
    expect(settled.violations).toEqual([]);
    expect(settled.counts.shipments).toBe(1);
    expect(settled.pending.shipments).toBe(0);
    console.log(JSON.stringify({ row: 'killed upload not run again', closedMs: Math.round(closedMs) }));
  });
});
