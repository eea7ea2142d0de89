import SwaggerParser from '@apidevtools/swagger-parser';
import type { OpenAPIV3 } from 'openapi-types';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, TEST_ADMIN_TOKEN, type TestContext } from '../../test/helpers/context.js';
import { createAdminServer, type AdminServer } from './server.js';

let context: TestContext;
let server: AdminServer;
const routes: { method: string; url: string; hidden: boolean }[] = [];
beforeAll(async () => {
  context = await createTestContext();
  server = await createAdminServer(context, {
    onRoute: (route) => routes.push(route),
  });
});
afterAll(async () => {
  await server.close();
  await context.cleanup();
});

async function openapi(): Promise<OpenAPIV3.Document> {
  const response = await server.inject({
    url: '/api/openapi.json',
    headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}` },
  });
  expect(response.statusCode).toBe(200);
  return response.json<OpenAPIV3.Document>();
}

describe('the OpenAPI document', () => {
  it('is a valid OpenAPI 3 document', async () => {
    const spec = await openapi();
    expect(spec.openapi).toMatch(/^3\./);
    await expect(SwaggerParser.validate(structuredClone(spec) as never)).resolves.toBeTruthy();
  });

  it('lists every route of the API, with its method', async () => {
    const spec = await openapi();
    const documented = new Set(
      Object.entries(spec.paths).flatMap(([path, item]) =>
        Object.keys(item ?? {}).map((method) => `${method.toUpperCase()} ${path}`),
      ),
    );
    const served = routes
      .filter((route) => !route.hidden && route.method !== 'HEAD')
      .map((route) => `${route.method} ${route.url.replace(/:(\w+)/g, '{$1}')}`);
    expect(served.length).toBeGreaterThan(20);
    expect([...documented].sort()).toEqual([...new Set(served)].sort());
  });

  it('requires the token, and renders a reference page from it that loads nothing from elsewhere', async () => {
    expect((await server.inject({ url: '/api/openapi.json' })).statusCode).toBe(401);
    const page = await server.inject({
      url: '/api/reference',
      headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}` },
    });
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toMatch(/text\/html/);
    expect(page.body).toContain('POST /api/companies/{companyId}/shipments');
    expect(page.body).not.toMatch(/<script|https?:\/\/(?!127\.0\.0\.1)/);
  });
});
