import { gunzipSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startSimulator, type SimulatorServer } from './server.js';
import { SimClient } from './sim-client.test-support.js';

/** Faults on reports, searchOrders pages and document transfers, each shaped as Amazon answers. */

let server: SimulatorServer;
let client: SimClient;

beforeEach(async () => {
  server = await startSimulator({ seed: 7, startTime: new Date('2026-11-20T00:00:00Z') });
  client = new SimClient(server);
  await client.login();
});
afterEach(async () => server.close());

const REPORTS = '/reports/2021-06-30/reports';

async function statusOf(reportId: string) {
  return (
    await client.json<{ processingStatus: string; processingEndTime?: string; reportDocumentId?: string }>(
      'GET',
      `${REPORTS}/${reportId}`,
    )
  ).body;
}

describe('report faults', () => {
  it('keeps a report IN_PROGRESS for ever, or ends it FATAL without a document, when told to', async () => {
    await client.newOrder();
    const create = () =>
      client.json<{ reportId: string }>('POST', REPORTS, {
        reportType: 'GET_FLAT_FILE_ALL_ORDERS_DATA_BY_LAST_UPDATE_GENERAL',
        marketplaceIds: ['ATVPDKIKX0DER'],
      });
    await client.control('POST', '/faults', { kind: 'report-stuck-in-progress' });
    const stuck = (await create()).body.reportId;
    await client.control('POST', '/faults', { kind: 'report-fatal' });
    const fatal = (await create()).body.reportId;
    const healthy = (await create()).body.reportId;
    await client.advance(600);
    expect(await statusOf(stuck)).toMatchObject({ processingStatus: 'IN_PROGRESS' });
    expect((await statusOf(stuck)).processingEndTime).toBeUndefined();
    // Amazon cancels only queued reports.
    const cancel = await client.call('DELETE', `${REPORTS}/${stuck}`);
    expect(cancel.status).toBe(400);
    const failed = await statusOf(fatal);
    expect(failed).toMatchObject({ processingStatus: 'FATAL', processingEndTime: expect.any(String) });
    expect(failed.reportDocumentId).toBeUndefined();
    expect(await statusOf(healthy)).toMatchObject({ processingStatus: 'DONE' });
  });
});

describe('searchOrders page faults', () => {
  async function pages() {
    for (let i = 0; i < 5; i++) await client.newOrder();
    await client.advance(3);
    const after = '2026-11-19T00:00:00Z';
    const path = (token?: string) =>
      `/orders/2026-01-01/orders?marketplaceIds=ATVPDKIKX0DER&lastUpdatedAfter=${after}&maxResultsPerPage=2${
        token ? `&paginationToken=${encodeURIComponent(token)}` : ''
      }`;
    type Page = { orders: { orderId: string }[]; pagination?: { nextToken: string } };
    const page = (token?: string) => client.json<Page>('GET', path(token));
    return { page };
  }

  it('answers the page before again under a new token that leads on (page-repeated)', async () => {
    const { page } = await pages();
    const first = await page();
    const firstIds = first.body.orders.map((o) => o.orderId);
    await client.control('POST', '/faults', { kind: 'page-repeated', operation: 'searchOrders' });
    const repeated = await page(first.body.pagination?.nextToken);
    expect(repeated.status).toBe(200);
    expect(repeated.body.orders.map((o) => o.orderId)).toEqual(firstIds);
    expect(repeated.body.pagination?.nextToken).not.toBe(first.body.pagination?.nextToken);
    const second = await page(repeated.body.pagination?.nextToken);
    const third = await page(second.body.pagination?.nextToken);
    expect(third.body.pagination).toBeUndefined();
    const rest = [...second.body.orders, ...third.body.orders].map((o) => o.orderId);
    expect(new Set([...firstIds, ...rest]).size).toBe(5);
  });

  it('refuses a valid token as Amazon refuses an expired one (token-rejected), once', async () => {
    const { page } = await pages();
    const first = await page();
    const token = first.body.pagination?.nextToken;
    await client.control('POST', '/faults', { kind: 'token-rejected', operation: 'searchOrders' });
    const refused = await client.json<{ errors: { code: string; message: string }[] }>(
      'GET',
      `/orders/2026-01-01/orders?marketplaceIds=ATVPDKIKX0DER&lastUpdatedAfter=2026-11-19T00:00:00Z&maxResultsPerPage=2&paginationToken=${encodeURIComponent(token ?? '')}`,
    );
    expect(refused.status).toBe(400);
    expect(refused.body.errors[0]).toMatchObject({
      code: 'InvalidInput',
      message: 'Invalid paginationToken: it is unknown or has expired.',
    });
    expect((await page(token)).status).toBe(200);
  });
});

describe('document transfer faults', () => {
  it('holds the second half of a document for delayMs (stall-download), then delivers all of it', async () => {
    await client.newOrder();
    const created = await client.json<{ reportId: string }>('POST', REPORTS, {
      reportType: 'GET_FLAT_FILE_ALL_ORDERS_DATA_BY_LAST_UPDATE_GENERAL',
      marketplaceIds: ['ATVPDKIKX0DER'],
    });
    await client.advance(5);
    const { reportDocumentId } = await statusOf(created.body.reportId);
    const document = await client.json<{ url: string }>(
      'GET',
      `/reports/2021-06-30/documents/${reportDocumentId ?? ''}`,
    );
    const whole = await (await fetch(document.body.url)).arrayBuffer();
    await client.control('POST', '/faults', { kind: 'stall-download', delayMs: 400 });
    const started = performance.now();
    const response = await fetch(document.body.url);
    const reader = response.body?.getReader();
    const chunks: Uint8Array[] = [];
    const firstChunk = await reader?.read();
    const firstAt = performance.now() - started;
    if (firstChunk?.value) chunks.push(firstChunk.value);
    for (;;) {
      const next = await reader?.read();
      if (!next || next.done) break;
      chunks.push(next.value);
    }
    const elapsed = performance.now() - started;
    expect(firstAt).toBeLessThan(300);
    expect(elapsed).toBeGreaterThanOrEqual(390);
    expect(firstChunk?.value?.length).toBe(Math.floor(whole.byteLength / 2));
    const body = Buffer.concat(chunks);
    expect(body.equals(Buffer.from(whole))).toBe(true);
    expect(gunzipSync(body).toString('utf8')).toContain('amazon-order-id');
  });
});
