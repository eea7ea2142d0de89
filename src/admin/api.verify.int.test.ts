import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '../../test/helpers/context.js';
import { listCompanies } from '../companies/companies.service.js';
import { startSimulator, type SimulatorServer } from '../simulator/server.js';
import { DEFAULT_SELLER } from '../simulator/simulation.js';
import { caller, type Call } from './admin.test-support.js';
import { createAdminServer, type AdminServer } from './server.js';

/** `POST /api/companies?verify=true` asks Amazon (the simulator's LWA endpoint) first, as `company add --verify`. */

let context: TestContext;
let simulator: SimulatorServer;
let server: AdminServer;
let api: Call;
beforeAll(async () => {
  context = await createTestContext();
  simulator = await startSimulator({ seed: 4, startTime: new Date('2026-11-20T12:00:00Z') });
  server = await createAdminServer(context);
  api = caller(server);
});
afterAll(async () => {
  await server?.close();
  await simulator?.close();
  await context?.cleanup();
});

const company = (overrides: Record<string, string> = {}) => ({
  name: 'Verify test',
  sellerId: DEFAULT_SELLER.sellerId,
  region: 'na',
  marketplaceIds: [DEFAULT_SELLER.marketplaceId],
  endpoint: simulator.url,
  lwaClientId: DEFAULT_SELLER.clientId,
  lwaClientSecret: DEFAULT_SELLER.clientSecret,
  refreshToken: DEFAULT_SELLER.refreshToken,
  ...overrides,
});

describe('adding a company through the API with verify=true', () => {
  it('refuses credentials Amazon rejects naming the field, and adds nothing without a verdict', async () => {
    const badToken = await api(
      'POST',
      '/api/companies?verify=true',
      company({ refreshToken: 'Atzr|revoked' }),
    );
    expect(badToken.statusCode).toBe(400);
    expect(badToken.json()).toMatchObject({
      field: 'body.refreshToken',
      error: expect.stringMatching(/Amazon refused the credentials \(invalid_grant/),
    });
    const badSecret = await api('POST', '/api/companies?verify=true', company({ lwaClientSecret: 'wrong' }));
    expect(badSecret.json()).toMatchObject({ field: 'body.lwaClientSecret' });
    // Nothing listens there: Amazon's token endpoint cannot say yes or no.
    const unreachable = await api(
      'POST',
      '/api/companies?verify=true',
      company({ endpoint: 'http://127.0.0.1:17301' }),
    );
    expect(unreachable.statusCode).toBe(502);
    expect(unreachable.json()).toMatchObject({
      code: 'upstream',
      error: expect.stringContaining('no verdict'),
    });
    expect((await api('POST', '/api/companies?verify=yes', company())).json()).toMatchObject({
      field: 'querystring.verify',
    });
    expect(await listCompanies(context.db)).toEqual([]);
  });

  it('adds a company whose token Amazon exchanges as active, and one not verified as unverified', async () => {
    const verified = await api('POST', '/api/companies?verify=true', company());
    expect(verified.statusCode).toBe(201);
    expect(verified.json()).toMatchObject({ authStatus: 'active' });
    const unverified = await api('POST', '/api/companies', company({ sellerId: 'A2SIMULATED0002' }));
    expect(unverified.json()).toMatchObject({ authStatus: 'unverified' });
  });
});
