import { gunzipSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startSimulator, type SimulatorServer } from './server.js';
import { SimClient } from './sim-client.test-support.js';

/** Reports, faults on demand, rate-limit overrides and token handling. */

const HOUR = 3_600_000;
let server: SimulatorServer;
let client: SimClient;

beforeEach(async () => {
  server = await startSimulator({ seed: 6 });
  client = new SimClient(server);
  await client.login();
});
afterEach(async () => server.close());

describe('reports and faults', () => {
  it('delivers a gzipped all-orders report by last update, or CANCELLED when there is no data', async () => {
    const empty = await client.json('POST', '/reports/2021-06-30/reports', {
      reportType: 'GET_FLAT_FILE_ALL_ORDERS_DATA_BY_LAST_UPDATE_GENERAL',
      marketplaceIds: ['ATVPDKIKX0DER'],
    });
    const order = await client.newOrder({ programs: ['AMAZON_BUSINESS'] });
    const full = await client.json('POST', '/reports/2021-06-30/reports', {
      reportType: 'GET_FLAT_FILE_ALL_ORDERS_DATA_BY_LAST_UPDATE_GENERAL',
      marketplaceIds: ['ATVPDKIKX0DER'],
    });
    const queued = await client.json<{ processingStatus: string }>(
      'GET',
      `/reports/2021-06-30/reports/${String(full.body.reportId)}`,
    );
    expect(queued.body.processingStatus).toBe('IN_QUEUE');
    await client.advance(5);
    expect(
      (
        await client.json<{ processingStatus: string }>(
          'GET',
          `/reports/2021-06-30/reports/${String(empty.body.reportId)}`,
        )
      ).body.processingStatus,
    ).toBe('CANCELLED');
    const done = await client.json<{ processingStatus: string; reportDocumentId: string }>(
      'GET',
      `/reports/2021-06-30/reports/${String(full.body.reportId)}`,
    );
    expect(done.body.processingStatus).toBe('DONE');
    const document = await client.json<{ url: string; compressionAlgorithm: string }>(
      'GET',
      `/reports/2021-06-30/documents/${done.body.reportDocumentId}`,
    );
    expect(document.body.compressionAlgorithm).toBe('GZIP');
    const lines = gunzipSync(Buffer.from(await (await fetch(document.body.url)).arrayBuffer()))
      .toString('utf8')
      .trim()
      .split('\n');
    const header = lines[0]?.split('\t') ?? [];
    const row = lines[1]?.split('\t') ?? [];
    expect(row[header.indexOf('amazon-order-id')]).toBe(order.orderId);
    expect(row[header.indexOf('is-business-order')]).toBe('true');
  });

  it('injects throttling, 503s, stuck reports and truncated downloads on demand', async () => {
    await client.control('POST', '/faults', { kind: 'throttle', operation: 'getOrder', count: 1 });
    await client.control('POST', '/faults', { kind: 'server-error', operation: 'getOrder', status: 503 });
    expect((await client.call('GET', '/orders/2026-01-01/orders/x')).status).toBe(429);
    expect((await client.call('GET', '/orders/2026-01-01/orders/x')).status).toBe(503);
    expect((await client.call('GET', '/orders/2026-01-01/orders/x')).status).toBe(404);
    await client.newOrder();
    await client.control('POST', '/faults', { kind: 'report-stuck' });
    const stuck = await client.json('POST', '/reports/2021-06-30/reports', {
      reportType: 'GET_FLAT_FILE_ALL_ORDERS_DATA_BY_ORDER_DATE_GENERAL',
      marketplaceIds: ['ATVPDKIKX0DER'],
    });
    await client.advance(60);
    expect(
      (
        await client.json<{ processingStatus: string }>(
          'GET',
          `/reports/2021-06-30/reports/${String(stuck.body.reportId)}`,
        )
      ).body.processingStatus,
    ).toBe('IN_QUEUE');
    const closed = await client.control<{ reports: { reportDocumentId: string }[] }>(
      'POST',
      '/settlements/close',
    );
    const document = await client.json<{ url: string }>(
      'GET',
      `/reports/2021-06-30/documents/${closed.body.reports[0]?.reportDocumentId ?? ''}`,
    );
    await client.control('POST', '/faults', { kind: 'truncate-download' });
    await expect(fetch(document.body.url).then((response) => response.text())).rejects.toThrow();
  });

  it('answers slowly or drops the connection when told to', async () => {
    await client.control('POST', '/faults', { kind: 'slow', operation: 'getOrder', delayMs: 300 });
    const started = Date.now();
    expect((await client.call('GET', '/orders/2026-01-01/orders/x')).status).toBe(404);
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
    await client.control('POST', '/faults', { kind: 'drop-connection', operation: 'getOrder' });
    await expect(client.call('GET', '/orders/2026-01-01/orders/x')).rejects.toThrow();
    expect((await client.call('GET', '/orders/2026-01-01/orders/x')).status).toBe(404);
  });

  it("lets tests change an operation's rate and burst, and reports it in x-amzn-RateLimit-Limit", async () => {
    const set = await client.control('PUT', '/rate-limits/searchOrders', { rate: 0.1, burst: 2 });
    expect(set.status).toBe(200);
    const after = new Date(Date.now() - HOUR).toISOString();
    const path = `/orders/2026-01-01/orders?marketplaceIds=ATVPDKIKX0DER&createdAfter=${after}`;
    const first = await client.call('GET', path);
    expect(first.headers.get('x-amzn-ratelimit-limit')).toBe('0.1');
    expect((await client.call('GET', path)).status).toBe(200);
    expect((await client.call('GET', path)).status).toBe(429);
    server.sim.advance(10_000); // 0.1 per second: one token back after ten seconds
    expect((await client.call('GET', path)).status).toBe(200);
  });

  it("expires access tokens after a simulated hour with Amazon's 403", async () => {
    server.sim.advance(HOUR + 1_000);
    const expired = await client.json('GET', '/orders/2026-01-01/orders/x');
    expect(expired.status).toBe(403);
    expect(expired.body).toEqual({
      errors: [
        {
          code: 'Unauthorized',
          message: 'Access to requested resource is denied.',
          details: 'The access token you provided has expired.',
        },
      ],
    });
  });

  it("answers an unknown refresh token with LWA's invalid_grant", async () => {
    const response = await client.login('Atzr|not-a-seller');
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({
      error: 'invalid_grant',
      error_description: 'The request has an invalid grant parameter : refresh_token',
    });
  });
});

describe('late-visible changes', () => {
  it('finds a changed order in searchOrders and the orders report only lagMs after the change', async () => {
    const start = new Date('2026-03-02T12:00:00Z');
    const pinned = await startSimulator({ seed: 7, startTime: start });
    try {
      const lagging = new SimClient(pinned);
      await lagging.login();
      await lagging.control('POST', '/faults', { kind: 'late-visible', lagMs: 10 * 60_000 });
      const order = await lagging.newOrder();
      const after = new Date(start.getTime() - HOUR).toISOString();
      const search = `/orders/2026-01-01/orders?marketplaceIds=ATVPDKIKX0DER&lastUpdatedAfter=${after}`;
      const found = async () =>
        (await lagging.json<{ orders: { orderId: string }[] }>('GET', search)).body.orders.map(
          (listed) => listed.orderId,
        );
      const requestReport = async () =>
        String(
          (
            await lagging.json('POST', '/reports/2021-06-30/reports', {
              reportType: 'GET_FLAT_FILE_ALL_ORDERS_DATA_BY_LAST_UPDATE_GENERAL',
              marketplaceIds: ['ATVPDKIKX0DER'],
              dataStartTime: after,
            })
          ).body.reportId,
        );
      const reportStatus = async (reportId: string) =>
        (await lagging.json<{ processingStatus: string }>('GET', `/reports/2021-06-30/reports/${reportId}`))
          .body.processingStatus;

      await lagging.advance(3);
      expect(await found()).toEqual([]);
      const early = await requestReport();
      await lagging.advance(3);
      // Produced while the order was still hidden: Amazon cancels a report with no data.
      expect(await reportStatus(early)).toBe('CANCELLED');

      await lagging.advance(5);
      expect(await found()).toEqual([order.orderId]);
      const late = await requestReport();
      await lagging.advance(3);
      expect(await reportStatus(late)).toBe('DONE');

      const cleared = await lagging.control<{ visibilityLagMs: number }>('DELETE', '/faults');
      expect(cleared.body.visibilityLagMs).toBe(0);
    } finally {
      await pinned.close();
    }
  });
});

describe('records served with a defect', () => {
  /** The settlement file of a report, as rows of columns by name. */
  async function settlementRows(reportDocumentId: string): Promise<Record<string, string>[]> {
    const document = await client.json<{ url: string }>(
      'GET',
      `/reports/2021-06-30/documents/${reportDocumentId}`,
    );
    const [header = '', ...rows] = (await (await fetch(document.body.url)).text()).trim().split('\n');
    const columns = header.split('\t');
    return rows.map((row) =>
      Object.fromEntries(row.split('\t').map((value, i) => [columns[i] ?? '', value])),
    );
  }

  it('serves the order without a field or with a bad amount until told otherwise', async () => {
    // Out of Pending at once: Amazon gives the proceeds only then.
    const order = await client.newOrder({ pendingMinutes: 0 });
    const path = `/orders/2026-01-01/orders/${order.orderId}?includedData=PROCEEDS`;
    await client.control('PUT', `/orders/${order.orderId}/defects`, {
      place: 'order',
      kind: 'missing-field',
    });
    const missing = await client.json<{ order: Record<string, unknown> }>('GET', path);
    expect(missing.body.order.createdTime).toBeUndefined();
    await client.control('PUT', `/orders/${order.orderId}/defects`, { place: 'order', kind: 'bad-money' });
    const badMoney = await client.json<{
      order: { createdTime: string; proceeds: { grandTotal: { amount: string } } };
    }>('GET', path);
    expect(badMoney.body.order.createdTime).toEqual(expect.any(String));
    expect(badMoney.body.order.proceeds.grandTotal.amount).toMatch(/^\$\d+\.\d\d$/);
    await client.control('DELETE', `/orders/${order.orderId}/defects`);
    const right = await client.json<{ order: { proceeds: { grandTotal: { amount: string } } } }>('GET', path);
    expect(right.body.order.proceeds.grandTotal.amount).toMatch(/^\d+\.\d\d$/);
  });

  it('writes a settlement row with the defect, and a reissued report without it once corrected', async () => {
    const order = await client.newOrder({ fulfilledBy: 'AMAZON' });
    await client.advance(6 * 60);
    await client.control('PUT', `/orders/${order.orderId}/defects`, {
      place: 'settlement-row',
      kind: 'missing-field',
    });
    const closed = await client.control<{ reports: { reportDocumentId: string }[] }>(
      'POST',
      '/settlements/close',
    );
    const first = await settlementRows(closed.body.reports[0]?.reportDocumentId ?? '');
    const settlementId = first[0]?.['settlement-id'] ?? '';
    const ofOrder = (rows: Record<string, string>[]) =>
      rows.filter((row) => row['order-id'] === order.orderId);
    expect(ofOrder(first).length).toBeGreaterThan(0);
    expect(ofOrder(first).map((row) => row.amount)).toEqual(ofOrder(first).map(() => ''));

    await client.control('DELETE', `/orders/${order.orderId}/defects`);
    const reissued = await client.control<{ report: { reportDocumentId: string } }>(
      'POST',
      `/settlements/${settlementId}/reissue`,
    );
    expect(reissued.status).toBe(201);
    const second = await settlementRows(reissued.body.report.reportDocumentId);
    expect(second[0]?.['settlement-id']).toBe(settlementId);
    expect(ofOrder(second).every((row) => /^-?\d+\.\d\d$/.test(row.amount ?? ''))).toBe(true);
    expect(second).toHaveLength(first.length);
    expect((await client.control('POST', '/settlements/unknown/reissue')).status).toBe(404);
  });
});
