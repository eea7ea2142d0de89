import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addTestCompany } from '../../test/helpers/companies.js';
import { createTestContext, type TestContext } from '../../test/helpers/context.js';
import { generatedSettlementFile } from '../settlements/settlement-file.test-support.js';
import { caller, type Call } from './admin.test-support.js';
import { SETTLEMENT_UPLOAD_LIMIT_BYTES } from './routes/settlements.js';
import { createAdminServer, type AdminServer } from './server.js';

const SAMPLE = readFileSync(
  resolve(process.cwd(), '../shared/amazon/samples/settlement-v2-flatfile.synthetic.xieyi138-star.txt'),
);
const FILE = { 'content-type': 'application/octet-stream' };

let context: TestContext;
let server: AdminServer;
let api: Call;
let companyId: number;
beforeAll(async () => {
  context = await createTestContext();
  companyId = (await addTestCompany(context)).id;
  server = await createAdminServer(context);
  api = caller(server);
});
afterAll(async () => {
  await server?.close();
  await context?.cleanup();
});

describe('settlements through the admin API', () => {
  it('ingests an uploaded settlement file once, and lists it, shows it, its discrepancies and an order as settled', async () => {
    const url = `/api/companies/${companyId}/settlements?name=sample.txt`;
    const imported = await api('POST', url, SAMPLE, FILE);
    expect(imported.statusCode).toBe(201);
    expect(imported.json()).toMatchObject({
      settlementId: '28471003921',
      addsUp: true,
      lineCount: 23,
      reconciled: { refunds: 1, amazon_refunds: 1, fee_anomalies: 1, unknown_orders: 3 },
    });
    const again = await api('POST', url, gzipSync(SAMPLE), { 'content-type': 'application/gzip' });
    expect(again.statusCode).toBe(200);
    expect(again.json()).toMatchObject({ changedRows: 0, unchanged: true });

    const listed = await api('GET', `/api/settlements?company=${companyId}`);
    expect(listed.json()).toEqual({
      items: [
        expect.objectContaining({
          settlementId: '28471003921',
          totalAmount: '582.8900',
          addsUp: true,
          source: 'file:sample.txt',
        }),
      ],
      nextCursor: null,
    });
    const shown = await api('GET', `/api/companies/${companyId}/settlements/28471003921`);
    expect(shown.statusCode).toBe(200);
    expect(shown.json()).toMatchObject({ reservePrevious: '820.4400', unknownTypes: [] });
    expect(shown.json().perType).toContainEqual({
      transactionType: 'Refund',
      amountType: 'ItemFees',
      lines: 2,
      amount: '14.5000',
    });

    const open = await api('GET', `/api/companies/${companyId}/settlement-discrepancies?limit=2`);
    const page = open.json<{ items: { kind: string }[]; nextCursor: string | null }>();
    expect(page.items).toHaveLength(2);
    const rest = await api(
      'GET',
      `/api/companies/${companyId}/settlement-discrepancies?limit=500&cursor=${page.nextCursor}`,
    );
    const kinds = [...page.items, ...rest.json<{ items: { kind: string; amazonOrderId: string }[] }>().items];
    expect(kinds.filter((d) => d.kind === 'unknown_order')).toHaveLength(3);
    expect(kinds).toContainEqual(
      expect.objectContaining({
        kind: 'refund_admin_fee',
        amazonOrderId: '112-5561209-7742044',
        detail: expect.objectContaining({ adminFee: '-5.0000', expectedAdminFee: '-3.9000' }),
      }),
    );

    const pnl = await api('GET', `/api/companies/${companyId}/orders/113-2047718-9930613/pnl`);
    expect(pnl.statusCode).toBe(200);
    expect(pnl.json()).toMatchObject({
      principal: '134.50',
      shipping: '7.99',
      netProceeds: '114.32',
      settlements: ['28471003921'],
    });

    const audit = await api('GET', `/api/audit?company=${companyId}`);
    expect(audit.json<{ items: { action: string; actor: string; detail: object }[] }>().items).toEqual([
      expect.objectContaining({
        action: 'settlement.import',
        actor: 'api',
        detail: expect.objectContaining({ settlementId: '28471003921', changedRows: 0 }),
      }),
      expect.objectContaining({
        action: 'settlement.import',
        detail: expect.objectContaining({ settlementId: '28471003921', lines: 23 }),
      }),
    ]);
  });

  it('takes a file larger than a JSON body may be, and refuses one past its own limit with 413', async () => {
    const big = Buffer.from(
      [...generatedSettlementFile({ settlementId: '77000000001', rows: 12_000, orders: 3000 })].join(''),
    );
    expect(big.length).toBeGreaterThan(1024 * 1024);
    const imported = await api('POST', `/api/companies/${companyId}/settlements`, big, {
      'content-type': 'text/tab-separated-values',
    });
    expect(imported.statusCode).toBe(201);
    expect(imported.json()).toMatchObject({ settlementId: '77000000001', lineCount: 12_000, addsUp: true });
    const tooBig = await api(
      'POST',
      `/api/companies/${companyId}/settlements`,
      Buffer.alloc(SETTLEMENT_UPLOAD_LIMIT_BYTES + 1),
      FILE,
    );
    expect(tooBig.statusCode).toBe(413);
  });

  it('refuses what a client got wrong, naming the field, and changes nothing', async () => {
    const url = `/api/companies/${companyId}/settlements`;
    const notASettlement = await api('POST', url, 'amazon-order-id\tpurchase-date\n1\t2\n', FILE);
    expect(notASettlement.statusCode).toBe(400);
    expect(notASettlement.json()).toMatchObject({ field: 'body' });
    expect((await api('POST', url, '', FILE)).json()).toMatchObject({ field: 'body' });
    const truncated = gzipSync(SAMPLE).subarray(0, 200);
    const cut = await api('POST', url, truncated, { 'content-type': 'application/gzip' });
    expect(cut.statusCode).toBe(400);
    expect(cut.json()).toMatchObject({ field: 'body' });
    const binary = await api('POST', url, Buffer.from([0, 1, 2, 255, 254, 0, 7]), FILE);
    expect(binary.statusCode).toBe(400);
    expect((await api('POST', url, { file: 'x' })).json()).toMatchObject({ field: 'body' });
    expect((await api('POST', `${url}?charset=klingon`, SAMPLE, FILE)).json()).toMatchObject({
      field: 'querystring.charset',
    });
    expect((await api('POST', `${url}?name=../../etc/passwd`, SAMPLE, FILE)).json()).toMatchObject({
      field: 'querystring.name',
    });
    expect((await api('POST', '/api/companies/999999/settlements', SAMPLE, FILE)).statusCode).toBe(404);
    expect((await api('GET', `/api/companies/${companyId}/settlements/999`)).statusCode).toBe(404);
    expect((await api('GET', `/api/companies/${companyId}/settlements/abc`)).json()).toMatchObject({
      field: 'params.settlementId',
    });
    expect((await api('GET', `/api/companies/${companyId}/orders/113-0000000-0000000/pnl`)).statusCode).toBe(
      404,
    );
    expect((await api('GET', `/api/companies/${companyId}/orders/nope/pnl`)).json()).toMatchObject({
      field: 'params.amazonOrderId',
    });
    expect((await api('GET', '/api/settlements?company=0')).json()).toMatchObject({
      field: 'querystring.company',
    });
    expect((await api('GET', '/api/companies/999999/settlement-discrepancies')).statusCode).toBe(404);
    expect((await api('DELETE', url)).statusCode).toBe(405);
    const stored = await context.db
      .selectFrom('settlements')
      .select('settlement_id')
      .orderBy('settlement_id')
      .execute();
    expect(stored.map((row) => row.settlement_id)).toEqual(['28471003921', '77000000001']);
  });
});
