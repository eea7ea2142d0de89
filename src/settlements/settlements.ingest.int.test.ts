import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addTestCompany } from '../../test/helpers/companies.js';
import { createTestContext, type TestContext } from '../../test/helpers/context.js';
import { startProcess } from '../../test/helpers/process.js';
import { ingestSettlement } from './settlements.ingest.js';
import { generatedSettlementFile } from './settlement-file.test-support.js';

const V2_SAMPLE = readFileSync(
  resolve(process.cwd(), '../shared/amazon/samples/settlement-v2-flatfile.synthetic.xieyi138-star.txt'),
);
const NOW = new Date('2026-07-03T00:00:00Z');

let context: TestContext;
let companyId: number;

beforeAll(async () => {
  context = await createTestContext();
  companyId = (await addTestCompany(context)).id;
});
afterAll(async () => context.cleanup());

const ingest = (bytes: Buffer | Iterable<string>, source = 'file:test') =>
  ingestSettlement(context.db, Readable.from(Buffer.isBuffer(bytes) ? [bytes] : bytes), {
    companyId,
    source,
    now: () => NOW,
    batchSize: 7,
  });

async function linesOf(settlementPk: number) {
  return context.db
    .selectFrom('settlement_lines')
    .select(['line', 'sub', 'amount', 'amount_description'])
    .where('settlement_pk', '=', settlementPk)
    .orderBy('line')
    .execute();
}

describe('settlement ingest', () => {
  it('stores the sample once: its total checked, its reserves shown, the same file again changes nothing', async () => {
    const first = await ingest(V2_SAMPLE);
    expect(first).toMatchObject({ settlementId: '28471003921', lineCount: 23, addsUp: true, changedRows: 0 });
    const settlement = await context.db
      .selectFrom('settlements')
      .selectAll()
      .where('id', '=', first.settlementPk)
      .executeTakeFirstOrThrow();
    expect(settlement).toMatchObject({
      state: 'complete',
      total_amount: '582.8900',
      lines_sum: '582.8900',
      reserve_previous: '820.4400',
      reserve_current: '-420.0000',
      marketplace_name: 'amazon.com',
      revision: 1,
    });
    const again = await ingest(V2_SAMPLE, 'report:second-listing');
    expect(again).toMatchObject({ settlementPk: first.settlementPk, changedRows: 0, revision: 1 });
    expect(await linesOf(first.settlementPk)).toHaveLength(23);
    const revisions = await context.db.selectFrom('settlement_revisions').selectAll().execute();
    expect(revisions).toEqual([]);
  });

  it('a reissued file replaces the earlier one and records what changed', async () => {
    const spec = { settlementId: 'REISSUE-1', rows: 60, orders: 10 };
    const first = await ingest(generatedSettlementFile(spec));
    const reissued = await ingest(
      generatedSettlementFile({ ...spec, rows: 55, principalShiftCents: 100 }),
      'file:reissue',
    );
    expect(reissued.revision).toBe(2);
    const lines = await linesOf(first.settlementPk);
    expect(lines).toHaveLength(55);
    const [revision] = await context.db
      .selectFrom('settlement_revisions')
      .selectAll()
      .where('settlement_pk', '=', first.settlementPk)
      .execute();
    expect(revision).toMatchObject({ revision: 2, source: 'file:reissue', removed_rows: 5 });
    expect(revision?.changed_rows).toBeGreaterThan(0);
    expect(revision?.total_before).not.toBe(revision?.total_after);
    expect(reissued.changedRows).toBe((revision?.changed_rows ?? 0) + 5);
  });

  it('flags a settlement that does not add up, and clears the flag when a corrected file comes', async () => {
    const text = V2_SAMPLE.toString('utf8')
      .replace('\t582.89\t', '\t1002.89\t')
      .replaceAll('28471003921', '555');
    const wrong = await ingest(Buffer.from(text));
    expect(wrong).toMatchObject({ addsUp: false, totalAmount: '1002.8900', linesSum: '582.8900' });
    const open = () =>
      context.db
        .selectFrom('settlement_discrepancies')
        .selectAll()
        .where('kind', '=', 'settlement_does_not_add_up')
        .where('resolved_at', 'is', null)
        .execute();
    expect((await open()).map((row) => row.key)).toEqual(['555']);
    await ingest(Buffer.from(V2_SAMPLE.toString('utf8').replaceAll('28471003921', '555')));
    expect(await open()).toEqual([]);
  });

  it('killed with SIGKILL mid-ingest, a rerun gives the same rows once', async () => {
    const rows = 30_000;
    const child = startProcess(
      ['--import', 'tsx', 'test/fixtures/settlement-ingest.ts', String(companyId), 'KILLED-1', String(rows)],
      context.childEnv({}, NOW),
    );
    const count = async () => {
      const row = await context.db
        .selectFrom('settlement_lines')
        .innerJoin('settlements', 'settlements.id', 'settlement_lines.settlement_pk')
        .select((eb) => eb.fn.countAll<string>().as('n'))
        .where('settlements.settlement_id', '=', 'KILLED-1')
        .executeTakeFirst();
      return Number(row?.n ?? 0);
    };
    const deadline = Date.now() + 120_000;
    while ((await count()) < 1000) {
      if (Date.now() > deadline) throw new Error(`child never got going:\n${child.output()}`);
      await new Promise((done) => setTimeout(done, 20));
    }
    child.child.kill('SIGKILL');
    await child.exited;
    const before = await count();
    expect(before).toBeGreaterThan(0);
    expect(before).toBeLessThan(rows);
    const state = await context.db
      .selectFrom('settlements')
      .select('state')
      .where('settlement_id', '=', 'KILLED-1')
      .executeTakeFirstOrThrow();
    expect(state.state).toBe('ingesting');

    const rerun = await ingestSettlement(
      context.db,
      Readable.from(generatedSettlementFile({ settlementId: 'KILLED-1', rows, orders: 5000 })),
      { companyId, source: 'file:generated', now: () => NOW },
    );
    expect(rerun).toMatchObject({ lineCount: rows, addsUp: true, revision: 1, changedRows: 0 });
    expect(await count()).toBe(rows);
  });
});
