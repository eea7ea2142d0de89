import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addTestCompany } from '../../test/helpers/companies.js';
import { jsonError, runCliProcess } from '../../test/helpers/cli.js';
import { createTestContext, type TestContext } from '../../test/helpers/context.js';

const SAMPLE = resolve(
  process.cwd(),
  '../shared/amazon/samples/settlement-v2-flatfile.synthetic.xieyi138-star.txt',
);

/** Our clock, in the CLI's process too (CLOCK_START): some days after the sample's settlement period. */
const OUR_NOW = new Date('2026-07-03T00:00:00Z');

let context: TestContext;
let companyId: number;
const cli = (...args: string[]) => runCliProcess(args, context.childEnv());

beforeAll(async () => {
  context = await createTestContext();
  context.now = () => OUR_NOW;
  companyId = (await addTestCompany(context)).id;
});
afterAll(async () => context.cleanup());

describe('sellersync settlements', () => {
  it('imports a hand-downloaded file once, and shows it, its discrepancies and an order as settled', async () => {
    const imported = await cli('settlements', 'import', SAMPLE, '--company', String(companyId), '--json');
    expect(imported.code).toBe(0);
    expect(JSON.parse(imported.stdout)).toMatchObject({
      settlementId: '28471003921',
      addsUp: true,
      lineCount: 23,
      reconciled: { refunds: 1, amazon_refunds: 1, fee_anomalies: 1, unknown_orders: 3 },
    });
    const again = await cli('settlements', 'import', SAMPLE, '--company', String(companyId), '--json');
    expect(JSON.parse(again.stdout)).toMatchObject({ changedRows: 0, unchanged: true });
    const audit = await cli('audit', '--company', String(companyId), '--json');
    expect(JSON.parse(audit.stdout)).toEqual([
      expect.objectContaining({
        action: 'settlement.import',
        actor: 'cli',
        detail: expect.objectContaining({ changedRows: 0 }),
      }),
      expect.objectContaining({
        action: 'settlement.import',
        detail: expect.objectContaining({ lines: 23 }),
      }),
    ]);

    const listed = await cli('settlements', 'list');
    expect(listed.stdout).toContain('28471003921');
    expect(listed.stdout).toContain('582.89');

    const shown = await cli('settlements', 'show', '28471003921', '--json');
    const settlement = JSON.parse(shown.stdout) as Record<string, unknown>;
    expect(settlement).toMatchObject({
      totalAmount: '582.8900',
      linesSum: '582.8900',
      reservePrevious: '820.4400',
      reserveCurrent: '-420.0000',
    });
    expect(settlement.unknownTypes).toEqual([]);
    expect(settlement.perType).toContainEqual({
      transactionType: 'Refund',
      amountType: 'ItemFees',
      lines: 2,
      amount: '14.5000',
    });

    const open = await cli('settlements', 'discrepancies', '--company', String(companyId), '--json');
    const kinds = JSON.parse(open.stdout) as {
      kind: string;
      amazon_order_id: string;
      detail: Record<string, unknown>;
    }[];
    // Amazon kept $5.00 of the $19.50 commission it gave back: its rule says the lesser of $5 and 20 % ($3.90).
    expect(kinds.find((row) => row.kind === 'refund_admin_fee')).toMatchObject({
      amazon_order_id: '112-5561209-7742044',
      detail: { adminFee: '-5.0000', expectedAdminFee: '-3.9000' },
    });
    expect(
      kinds
        .filter((row) => row.kind === 'unknown_order')
        .map((row) => row.amazon_order_id)
        .sort(),
    ).toEqual(['113-2047718-9930613', '114-8829371-4410258', '114-9930211-5567819']);

    const pnl = await cli('orders', 'pnl', '113-2047718-9930613', '--company', String(companyId), '--json');
    expect(pnl.code).toBe(0);
    expect(JSON.parse(pnl.stdout)).toMatchObject({
      principal: '134.50',
      shipping: '7.99',
      tax: '0.00',
      netProceeds: '114.32',
      settlements: ['28471003921'],
      fees: [
        { fee: 'Commission', amount: '-20.1800' },
        { fee: 'ShippingChargeback', amount: '-7.9900' },
      ],
    });
  });

  it('refuses a file that is not a settlement, naming it, and changes nothing', async () => {
    const path = join(tmpdir(), `not-a-settlement-${process.pid}.txt`);
    writeFileSync(path, 'amazon-order-id\tpurchase-date\n1\t2\n');
    const refused = await cli('settlements', 'import', path, '--company', String(companyId), '--json');
    expect(refused.code).toBe(2);
    expect(jsonError(refused)).toMatchObject({ field: 'file' });
    expect(
      (await cli('settlements', 'import', '/nonexistent.txt', '--company', String(companyId))).code,
    ).toBe(2);
    const missing = await cli('settlements', 'show', '999', '--json');
    expect(missing.code).toBe(2);
    const settlements = await context.db.selectFrom('settlements').select('settlement_id').execute();
    expect(settlements.map((row) => row.settlement_id)).toEqual(['28471003921']);
  });
});
