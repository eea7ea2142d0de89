import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addTestCompany } from '../../test/helpers/companies.js';
import { createTestContext, type TestContext } from '../../test/helpers/context.js';
import { importSettlementFile } from '../settlements/settlements.import.js';
import { caller, parsePrometheus, type Call } from './admin.test-support.js';
import { createAdminServer, type AdminServer } from './server.js';

/** `/metrics` as Prometheus scrapes it, and the Grafana dashboard charting exactly those names. */

const SAMPLE = resolve(
  process.cwd(),
  '../shared/amazon/samples/settlement-v2-flatfile.synthetic.xieyi138-star.txt',
);

let context: TestContext;
let server: AdminServer;
let api: Call;
let companyId: number;
let otherId: number;
beforeAll(async () => {
  context = await createTestContext();
  companyId = (await addTestCompany(context)).id;
  otherId = (await addTestCompany(context)).id;
  await importSettlementFile(context.db, companyId, SAMPLE, new Date('2026-12-01T12:00:00Z'));
  server = await createAdminServer(context);
  api = caller(server);
});
afterAll(async () => {
  await server?.close();
  await context?.cleanup();
});

async function scrape(): Promise<string> {
  const response = await api('GET', '/metrics');
  expect(response.statusCode).toBe(200);
  return response.body;
}

describe('/metrics', () => {
  it('counts open settlement discrepancies per company and kind, 0 for every kind none is open of', async () => {
    const samples = parsePrometheus(await scrape()).filter(
      (s) => s.name === 'sellersync_settlement_discrepancies_open',
    );
    const open = (company: number, kind: string) =>
      samples.find((s) => s.labels.company_id === String(company) && s.labels.kind === kind)?.value;
    expect(open(companyId, 'unknown_order')).toBe(3);
    expect(open(companyId, 'refund_admin_fee')).toBe(1);
    expect(open(companyId, 'settlement_does_not_add_up')).toBe(0);
    expect(open(otherId, 'unknown_order')).toBe(0);
  });

  it('counts companies by auth status', async () => {
    const samples = parsePrometheus(await scrape());
    expect(
      samples.find((s) => s.name === 'sellersync_companies' && s.labels.auth_status === 'unverified')?.value,
    ).toBe(2);
  });

  it('has every metric family charted in docs/grafana-dashboard.json, and the dashboard charts only those', async () => {
    const text = await scrape();
    const families = new Set(
      [...text.matchAll(/^# TYPE (sellersync_\w+) (\w+)$/gm)].map((m) =>
        m[2] === 'histogram' ? `${m[1]}_bucket` : m[1]!,
      ),
    );
    expect(families.size).toBeGreaterThanOrEqual(12);
    const dashboard = readFileSync('docs/grafana-dashboard.json', 'utf8');
    const charted = new Set([...dashboard.matchAll(/sellersync_\w+/g)].map((m) => m[0]));
    expect(
      [...families].filter((name) => !charted.has(name)),
      'not charted',
    ).toEqual([]);
    expect(
      [...charted].filter((name) => !families.has(name)),
      'charted, not served',
    ).toEqual([]);
  });
});
