import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCliProcess } from '../../test/helpers/cli.js';
import { createTestContext, dropDatabase, type TestContext } from '../../test/helpers/context.js';
import { databaseUrl } from '../../test/helpers/settings.js';

let context: TestContext;
beforeAll(async () => {
  context = await createTestContext();
});
afterAll(async () => context.cleanup());

const cli = (...args: string[]) => runCliProcess(args, context.env);

const ADD = [
  'company',
  'add',
  '--name',
  'Acme Outdoor',
  '--seller-id',
  'A2CLITEST0001',
  '--region',
  'na',
  '--marketplace',
  'ATVPDKIKX0DER,A2EUQ1WTGCTBG2',
  '--lwa-client-id',
  'amzn1.application-oa2-client.cli',
  '--lwa-client-secret',
  'cli-client-secret-value',
  '--refresh-token',
  'Atzr|cli-refresh-token-value',
];

// Each case starts the real command in a new process (about a second each).
describe('sellersync CLI', { timeout: 120_000 }, () => {
  it('adds, lists, shows (secrets masked), changes and removes a company', async () => {
    const added = await cli(...ADD, '--allow-order-download', 'on', '--json');
    expect(added.code).toBe(0);
    const company = JSON.parse(added.stdout) as {
      id: number;
      marketplaceIds: string[];
      allowOrderDownload: boolean;
    };
    expect(company.marketplaceIds).toEqual(['ATVPDKIKX0DER', 'A2EUQ1WTGCTBG2']);
    expect(company.allowOrderDownload).toBe(true);
    expect(added.stdout).not.toContain('cli-client-secret-value');

    const list = JSON.parse((await cli('company', 'list', '--json')).stdout) as { id: number }[];
    expect(list.map((c) => c.id)).toContain(company.id);

    const shown = await cli('company', 'show', String(company.id), '--json');
    expect(shown.code).toBe(0);
    expect(JSON.parse(shown.stdout).credentials).toEqual({
      lwaClientId: 'amzn1.application-oa2-client.cli',
      lwaClientSecret: 'cli-…(23)',
      refreshToken: 'Atzr…(28)',
    });
    expect(shown.stdout + shown.stderr).not.toContain('refresh-token-value');

    const schedules = JSON.parse((await cli('schedules', '--json')).stdout) as {
      kind: string;
      companyId: number;
    }[];
    expect(
      schedules
        .filter((s) => s.companyId === company.id)
        .map((s) => s.kind)
        .sort(),
    ).toEqual(['buyer-data-retention', 'cancellation-upload', 'order-download', 'refund-upload']);

    const changed = await cli(
      'company',
      'set',
      String(company.id),
      '--allow-order-download',
      'off',
      '--json',
    );
    expect(JSON.parse(changed.stdout).allowOrderDownload).toBe(false);
    const after = JSON.parse((await cli('schedules', '--json')).stdout) as {
      kind: string;
      companyId: number;
    }[];
    expect(after.some((s) => s.companyId === company.id && s.kind === 'order-download')).toBe(false);

    const run = await cli('run', 'order-download', '--company', String(company.id), '--json');
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({
      status: 'skipped',
      reason: expect.stringMatching(/allow_order_download is off/),
    });
    const runs = JSON.parse((await cli('runs', '--company', String(company.id), '--json')).stdout) as {
      status: string;
    }[];
    expect(runs[0]?.status).toBe('skipped');

    expect((await cli('company', 'remove', String(company.id))).code).toBe(2);
    expect((await cli('company', 'remove', String(company.id), '--yes')).code).toBe(0);
    const gone = await cli('company', 'show', String(company.id));
    expect(gone.code).toBe(2);
    expect(gone.stderr).toContain(`company ${company.id} not found`);
  });

  it('rejects wrong or missing flags with a clear message and exit code 2, storing nothing', async () => {
    const cases: [string[], RegExp][] = [
      [['company', 'add', '--name', 'X'], /missing --seller-id, --region, --marketplace/],
      [[...ADD, '--region', 'asia'], /--region.*Allowed choices are na, eu, fe/s],
      [
        ['company', 'set', 'abc', '--name', 'x'],
        /value 'abc' is invalid for argument 'id'\. expected a positive whole number/,
      ],
      [['company', 'set', '1', '--allow-order-download', 'maybe'], /expected on or off/],
      [['company', 'set', '1', '--download-interval', '0'], /expected whole minutes from 1 to 1440/],
      [['run', 'teleport', '--company', '1'], /expected one of order-download, fulfillment-upload/],
      [['run', 'order-download'], /required option '--company <id>' not specified/],
      [['frobnicate'], /unknown command 'frobnicate'/],
      [
        [...ADD.map((a) => (a === 'A2CLITEST0001' ? 'not a seller id' : a))],
        /sellerId: expected the Amazon merchant token/,
      ],
    ];
    for (const [args, message] of cases) {
      const result = await cli(...args);
      expect({ args, code: result.code }).toEqual({ args, code: 2 });
      expect(result.stderr).toMatch(message);
    }
    const list = JSON.parse((await cli('company', 'list', '--json')).stdout) as unknown[];
    expect(list).toEqual([]);
  });

  it('stops with exit code 78 naming every bad configuration variable', async () => {
    const result = await runCliProcess(['company', 'list'], {
      ...context.env,
      NODE_ENV: 'production',
      ENCRYPTION_KEY: '',
      ADMIN_PORT: 'abc',
    });
    expect(result.code).toBe(78);
    expect(result.stderr).toMatch(/ADMIN_PORT: expected a port number/);
    expect(result.stderr).toMatch(/ENCRYPTION_KEY: required in production/);
  });

  it('migrates an empty database from nothing, and again without changes', async () => {
    const name = `sellersync_test_empty_${process.pid}`;
    await dropDatabase(name);
    const env = { ...context.env, DATABASE_URL: databaseUrl(name) };
    try {
      const first = await runCliProcess(['migrate', '--json'], env);
      expect(first.code).toBe(0);
      expect(JSON.parse(first.stdout).applied).toContain('2026_11_21_0001_create_companies_and_jobs');
      const client = new pg.Client({ connectionString: databaseUrl(name) });
      await client.connect();
      const tables = await client.query<{ table_name: string }>(
        "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'",
      );
      await client.end();
      expect(tables.rows.map((r) => r.table_name)).toEqual(
        expect.arrayContaining(['companies', 'job_runs', 'sync_cursors']),
      );
      const second = await runCliProcess(['migrate', '--json'], env);
      expect(JSON.parse(second.stdout).applied).toEqual([]);
    } finally {
      await dropDatabase(name);
    }
  });

  it('two processes migrating one database at once apply each migration once', async () => {
    const name = `sellersync_test_race_${process.pid}`;
    await dropDatabase(name);
    const env = { ...context.env, DATABASE_URL: databaseUrl(name) };
    try {
      const [a, b] = await Promise.all([
        runCliProcess(['migrate', '--json'], env),
        runCliProcess(['migrate', '--json'], env),
      ]);
      expect([a.code, b.code]).toEqual([0, 0]);
      const applied = [...JSON.parse(a.stdout).applied, ...JSON.parse(b.stdout).applied] as string[];
      expect(applied.filter((m) => m === '2026_11_21_0001_create_companies_and_jobs')).toHaveLength(1);
    } finally {
      await dropDatabase(name);
    }
  });
});
