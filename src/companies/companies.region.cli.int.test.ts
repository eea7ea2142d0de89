import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCliProcess } from '../../test/helpers/cli.js';
import { createTestContext, TEST_CLOCK_START, type TestContext } from '../../test/helpers/context.js';

/** A company's marketplaces are served by its region's endpoint: one of another region cannot work. */

let context: TestContext;
beforeAll(async () => {
  context = await createTestContext();
  context.now = () => TEST_CLOCK_START;
});
afterAll(async () => context.cleanup());

const cli = (...args: string[]) => runCliProcess(args, context.childEnv());

const add = (sellerId: string, region: string, ...marketplaces: string[]) =>
  cli(
    'company',
    'add',
    '--name',
    'Region test',
    '--seller-id',
    sellerId,
    '--region',
    region,
    ...marketplaces.flatMap((id) => ['--marketplace', id]),
    '--lwa-client-id',
    'amzn1.application-oa2-client.region',
    '--lwa-client-secret',
    'region-client-secret',
    '--refresh-token',
    'Atzr|region-refresh-token',
    '--json',
  );

describe('company marketplaces and region', { timeout: 120_000 }, () => {
  it('company add refuses a marketplace of another region, naming the region it belongs to', async () => {
    const result = await add('A2REGION0001', 'na', 'ATVPDKIKX0DER', 'A1PA6795UKMFR9');
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('A1PA6795UKMFR9 (DE) belongs to region eu');
    const unknown = await add('A2REGION0002', 'eu', 'A1PA6795UKMFR9', 'AZZZZZZZZZZZZ');
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('AZZZZZZZZZZZZ is not an Amazon marketplace id');
    expect(await context.db.selectFrom('companies').select('id').execute()).toEqual([]);
  });

  it('company set refuses a region or marketplaces that do not match, and takes both changed together', async () => {
    const added = await add('A2REGION0003', 'eu', 'A1PA6795UKMFR9', 'A1F83G8C2ARO7P');
    expect(added.code).toBe(0);
    const { id } = JSON.parse(added.stdout) as { id: number };

    const region = await cli('company', 'set', String(id), '--region', 'fe');
    expect(region.code).toBe(2);
    expect(region.stderr).toContain('A1PA6795UKMFR9 (DE) belongs to region eu');
    expect(region.stderr).toContain('A1F83G8C2ARO7P (UK) belongs to region eu');
    const marketplace = await cli('company', 'set', String(id), '--marketplace', 'ATVPDKIKX0DER');
    expect(marketplace.code).toBe(2);
    expect(marketplace.stderr).toContain('ATVPDKIKX0DER (US) belongs to region na');
    const stored = await context.db
      .selectFrom('companies')
      .select(['region', 'marketplace_ids'])
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
    expect(stored).toEqual({ region: 'eu', marketplace_ids: ['A1PA6795UKMFR9', 'A1F83G8C2ARO7P'] });

    const both = await cli('company', 'set', String(id), '--region', 'fe', '--marketplace', 'A1VC38T7YXB528');
    expect(both.code).toBe(0);
  });
});
