import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jsonError, runCliProcess } from '../../test/helpers/cli.js';
import { createTestContext, type TestContext } from '../../test/helpers/context.js';
import { startSimulator, type SimulatorServer } from '../simulator/server.js';
import { DEFAULT_SELLER } from '../simulator/simulation.js';
import { getCompany, listCompanies } from './companies.service.js';

/**
 * A new company is `unverified` until Amazon first accepts its credentials; `company add --verify` asks
 * Amazon (here the simulator's LWA endpoint) before adding it, and adds nothing when Amazon refuses.
 */

let context: TestContext;
let simulator: SimulatorServer;
beforeAll(async () => {
  context = await createTestContext();
  simulator = await startSimulator({ seed: 3, startTime: new Date('2026-11-20T12:00:00Z') });
  // Our clock, in the CLI's process too (CLOCK_START), is the simulated marketplace's.
  context.now = () => simulator.sim.now();
});
afterAll(async () => {
  await simulator.close();
  await context.cleanup();
});

const cli = (...args: string[]) => runCliProcess(args, context.childEnv());

const add = (overrides: { sellerId?: string; refreshToken?: string; secret?: string }, ...extra: string[]) =>
  cli(
    ...[
      'company',
      'add',
      '--name',
      'Verify test',
      '--seller-id',
      overrides.sellerId ?? DEFAULT_SELLER.sellerId,
    ],
    ...['--region', 'na', '--marketplace', DEFAULT_SELLER.marketplaceId, '--endpoint', simulator.url],
    ...['--lwa-client-id', DEFAULT_SELLER.clientId],
    ...['--lwa-client-secret', overrides.secret ?? DEFAULT_SELLER.clientSecret],
    ...['--refresh-token', overrides.refreshToken ?? DEFAULT_SELLER.refreshToken],
    ...extra,
  );

describe('company auth status', { timeout: 120_000 }, () => {
  it('company add --verify refuses credentials Amazon rejects, with exit 2 and nothing added', async () => {
    const badToken = await add({ refreshToken: 'Atzr|revoked-long-ago' }, '--verify');
    expect(badToken.code).toBe(2);
    expect(badToken.stderr).toMatch(
      /Amazon refused the credentials \(invalid_grant: .*\); the company was not added/,
    );
    const badSecret = await add({ secret: 'not-the-secret' }, '--verify', '--json');
    expect(badSecret.code).toBe(2);
    expect(jsonError(badSecret)).toMatchObject({ code: 'usage', field: '--lwa-client-secret' });
    expect(await listCompanies(context.db)).toEqual([]);
    const tokenCalls = simulator.sim.store.requests.filter((request) => request.path === '/auth/o2/token');
    expect(tokenCalls).toHaveLength(2);
  });

  it('company add --verify adds a company whose token Amazon exchanges as active', async () => {
    const added = await add({}, '--verify', '--json');
    expect(added.code, added.stderr).toBe(0);
    expect(JSON.parse(added.stdout)).toMatchObject({ authStatus: 'active' });
    expect(added.stderr).toContain('Amazon accepted the credentials');
  });

  it('without --verify a company is unverified until its first token exchange makes it active', async () => {
    const added = await add({ sellerId: 'A2SIMULATED0002' }, '--json');
    expect(added.code, added.stderr).toBe(0);
    const company = JSON.parse(added.stdout) as { id: number; authStatus: string };
    expect(company.authStatus).toBe('unverified');
    const listed = await cli('company', 'list');
    expect(listed.stdout).toMatch(/A2SIMULATED0002\s+na\s+\S+\s+unverified/);

    // The simulator knows only its own seller: the grant is the seller's, whatever id the company has.
    const port = await context.amazon.forCompany(company.id);
    await port.getReports({
      reportTypes: ['GET_FLAT_FILE_ALL_ORDERS_DATA_BY_LAST_UPDATE_GENERAL'],
      pageSize: 1,
    });
    expect((await getCompany(context.db, company.id)).authStatus).toBe('active');
  });
});
