import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addTestCompany } from '../../test/helpers/companies.js';
import { createTestContext, TEST_ADMIN_TOKEN, type TestContext } from '../../test/helpers/context.js';
import { caller, type Call } from './admin.test-support.js';
import { createAdminServer, type AdminServer } from './server.js';

let context: TestContext;
let server: AdminServer;
let api: Call;
beforeAll(async () => {
  context = await createTestContext();
  server = await createAdminServer(context);
  api = caller(server);
});
afterAll(async () => {
  await server.close();
  await context.cleanup();
});

describe('the admin API refuses what a client got wrong, never with a 500', () => {
  it('401 without the token or with a wrong one, giving no hint of it', async () => {
    for (const authorization of [
      undefined,
      'Bearer wrong',
      `Bearer ${TEST_ADMIN_TOKEN}x`,
      TEST_ADMIN_TOKEN,
    ]) {
      const response = await server.inject({
        url: '/api/companies',
        headers: authorization === undefined ? {} : { authorization },
      });
      expect(response.statusCode).toBe(401);
      expect(response.body).not.toContain(TEST_ADMIN_TOKEN.slice(0, 8));
      expect(response.headers['www-authenticate']).toBe('Bearer');
    }
    const post = await server.inject({ method: 'POST', url: '/api/companies', payload: {} });
    expect(post.statusCode).toBe(401);
    expect((await server.inject({ url: '/api/no-such-route' })).statusCode).toBe(401);
  });

  it('404 for an unknown route, 405 with Allow for a wrong method', async () => {
    const unknown = await api('GET', '/api/nothing-here');
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json()).toMatchObject({ code: 'not_found' });
    expect((await server.inject({ url: '/nothing' })).statusCode).toBe(404);
    const wrong = await api('PUT', '/api/companies');
    expect(wrong.statusCode).toBe(405);
    expect(wrong.headers.allow).toBe('GET, POST');
    const wrongOnItem = await api('POST', '/api/companies/1');
    expect(wrongOnItem.statusCode).toBe(405);
    expect(wrongOnItem.headers.allow).toBe('GET, PATCH, DELETE');
  });

  it('400 naming the field and what was expected', async () => {
    const badId = await api('GET', '/api/companies/abc');
    expect(badId.statusCode).toBe(400);
    expect(badId.json()).toMatchObject({
      field: 'params.companyId',
      error: expect.stringContaining('expected a company id'),
    });
    const badLimit = await api('GET', '/api/companies?limit=0');
    expect(badLimit.json()).toMatchObject({
      field: 'querystring.limit',
      error: expect.stringContaining('1 to 500'),
    });
    const badCursor = await api('GET', '/api/runs?cursor=bm90LWpzb24');
    expect(badCursor.statusCode).toBe(400);
    expect(badCursor.json()).toMatchObject({ field: 'querystring.cursor' });
    const badBody = await api('POST', '/api/companies', {
      name: 'Acme',
      sellerId: 'A2EXAMPLE1234',
      region: 'na',
      marketplaceIds: ['us'],
      lwaClientId: 'x',
      lwaClientSecret: 'y',
      refreshToken: 'z',
    });
    expect(badBody.statusCode).toBe(400);
    expect(badBody.json()).toMatchObject({
      field: 'body.marketplaceIds.0',
      error: expect.stringContaining('expected an Amazon marketplace id'),
    });
    const unknownField = await api('PATCH', '/api/companies/1', { allowOrderDownlod: true });
    expect(unknownField.statusCode).toBe(400);
    expect(unknownField.json().error).toContain('allowOrderDownlod');
  });

  it('400 for malformed JSON, 415 for a body that is not JSON, 413 past 1 MiB', async () => {
    const malformed = await api('POST', '/api/companies', '{"name":', { 'content-type': 'application/json' });
    expect(malformed.statusCode).toBe(400);
    const text = await api('POST', '/api/companies', 'name=Acme', { 'content-type': 'text/plain' });
    expect(text.statusCode).toBe(415);
    const huge = await api('POST', '/api/companies', JSON.stringify({ name: 'x'.repeat(1024 * 1024) }), {
      'content-type': 'application/json',
    });
    expect(huge.statusCode).toBe(413);
    const empty = await api('PATCH', '/api/companies/1');
    expect(empty.statusCode).toBe(400);
  });

  it('a service refusing the request is a 400 with its message; what does not exist a 404', async () => {
    const company = await addTestCompany(context);
    const nothing = await api('PATCH', `/api/companies/${company.id}`, {});
    expect(nothing.statusCode).toBe(400);
    expect(nothing.json()).toMatchObject({ code: 'usage', error: 'nothing to change' });
    const missing = await api('GET', '/api/companies/999999');
    expect(missing.statusCode).toBe(404);
    expect(missing.json()).toMatchObject({ error: 'company 999999 not found' });
    const runs = await api('GET', '/api/runs?company=999999');
    expect(runs.statusCode).toBe(404);
  });

  it('503 for routes needing the queues while they are not open yet', async () => {
    const company = await addTestCompany(context);
    const response = await api('POST', `/api/companies/${company.id}/runs`, { kind: 'order-download' });
    expect(response.statusCode).toBe(503);
    expect(response.body).not.toContain('redis://');
  });
});
