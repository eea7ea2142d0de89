import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCliProcess } from '../../test/helpers/cli.js';
import { createTestContext, TEST_CLOCK_START, type TestContext } from '../../test/helpers/context.js';

/** The endpoint receives the seller's tokens: only Amazon, https, or this machine's simulator. */

let context: TestContext;
beforeAll(async () => {
  context = await createTestContext();
  context.now = () => TEST_CLOCK_START;
});
afterAll(async () => context.cleanup());

const cli = (...args: string[]) => runCliProcess(args, context.childEnv());

const add = (sellerId: string, endpoint: string) =>
  cli(
    'company',
    'add',
    '--name',
    'Endpoint test',
    '--seller-id',
    sellerId,
    '--region',
    'na',
    '--marketplace',
    'ATVPDKIKX0DER',
    '--lwa-client-id',
    'amzn1.application-oa2-client.endpoint',
    '--lwa-client-secret',
    'endpoint-client-secret',
    '--refresh-token',
    'Atzr|endpoint-refresh-token',
    '--endpoint',
    endpoint,
    '--json',
  );

describe('company endpoint', { timeout: 120_000 }, () => {
  it('company add refuses metadata, link-local and plain-http endpoints, changing nothing', async () => {
    const refused: [string, RegExp][] = [
      ['http://169.254.169.254/latest', /link-local or cloud metadata/],
      ['https://[fe80::1]:8443', /link-local or cloud metadata/],
      ['https://metadata.google.internal', /link-local or cloud metadata/],
      ['http://staging.example.com', /plain http:\/\/ is allowed only to this machine/],
    ];
    for (const [endpoint, reason] of refused) {
      const result = await add('A2ENDPOINT0001', endpoint);
      expect({ endpoint, code: result.code }).toEqual({ endpoint, code: 2 });
      expect(result.stderr).toMatch(/endpoint/);
      expect(result.stderr).toMatch(reason);
    }
    expect(await context.db.selectFrom('companies').select('id').execute()).toEqual([]);
  });

  it('company add takes live, sandbox, https and the local simulator; company set refuses metadata', async () => {
    const local = await add('A2ENDPOINT0002', 'http://127.0.0.1:4555/');
    expect(local.code).toBe(0);
    const company = JSON.parse(local.stdout) as { id: number; endpoint: string };
    expect(company.endpoint).toBe('http://127.0.0.1:4555');
    expect((await add('A2ENDPOINT0003', 'https://staging.example.com/sp')).code).toBe(0);
    expect((await add('A2ENDPOINT0004', 'sandbox')).code).toBe(0);

    const set = await cli('company', 'set', String(company.id), '--endpoint', 'https://169.254.169.254');
    expect(set.code).toBe(2);
    expect(set.stderr).toMatch(/endpoint: .*link-local or cloud metadata/);
    const row = await context.db
      .selectFrom('companies')
      .select('endpoint')
      .where('id', '=', company.id)
      .executeTakeFirstOrThrow();
    expect(row.endpoint).toBe('http://127.0.0.1:4555');
  });
});
