import SwaggerParser from '@apidevtools/swagger-parser';
import type { OpenAPIV3 } from 'openapi-types';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, TEST_ADMIN_TOKEN, type TestContext } from '../../test/helpers/context.js';
import type { Command } from 'commander';
import { buildProgram } from '../cli/program.js';
import { createAdminServer, type AdminServer } from './server.js';

/**
 * Every CLI command and the routes doing the same through the same service: a new command without its
 * route (or a reason here why it has none) fails the test below.
 */
const CLI_ROUTES: Record<string, string[] | { none: string }> = {
  start: { none: 'the daemon itself, which serves this API' },
  migrate: { none: 'done by the daemon at start; the API is served by a migrated daemon' },
  simulator: { none: 'the stand-in Amazon, a process of its own' },
  demo: { none: 'the simulator and a daemon of its own' },
  'company add': ['POST /api/companies'],
  'company list': ['GET /api/companies'],
  'company show': ['GET /api/companies/{companyId}'],
  'company set': ['PATCH /api/companies/{companyId}'],
  'company remove': ['DELETE /api/companies/{companyId}'],
  run: ['POST /api/companies/{companyId}/runs'],
  runs: ['GET /api/runs'],
  schedules: ['GET /api/schedules'],
  'orders list': ['GET /api/orders'],
  'orders show': ['GET /api/companies/{companyId}/orders/{amazonOrderId}'],
  'orders at-risk': ['GET /api/orders/at-risk'],
  'orders problems': ['GET /api/orders/problems'],
  'orders cancel': [
    'POST /api/companies/{companyId}/cancellations',
    'POST /api/companies/{companyId}/cancel-requests/{amazonOrderId}/accept',
  ],
  'orders cancel-requests': ['GET /api/companies/{companyId}/cancel-requests'],
  'orders decline-cancel': ['POST /api/companies/{companyId}/cancel-requests/{amazonOrderId}/decline'],
  'orders refund': ['POST /api/companies/{companyId}/refunds'],
  'orders refundable': ['GET /api/companies/{companyId}/orders/{amazonOrderId}/refundable'],
  'orders pnl': ['GET /api/companies/{companyId}/orders/{amazonOrderId}/pnl'],
  ship: ['POST /api/companies/{companyId}/shipments'],
  'shipments list': ['GET /api/companies/{companyId}/shipments'],
  'shipments requeue': ['POST /api/companies/{companyId}/shipments/requeue'],
  'shipments ship-from': [
    'GET /api/companies/{companyId}/ship-from',
    'PUT /api/companies/{companyId}/ship-from',
  ],
  metrics: ['GET /api/companies/{companyId}/account-health'],
  'cancellations list': ['GET /api/companies/{companyId}/cancellations'],
  'cancellations requeue': ['POST /api/companies/{companyId}/cancellations/{cancellationId}/requeue'],
  'cancellations release': ['POST /api/companies/{companyId}/cancellations/{cancellationId}/release'],
  'inventory zeroed': ['GET /api/companies/{companyId}/inventory/zeroed'],
  'refunds list': ['GET /api/companies/{companyId}/refunds'],
  'refunds cancel': ['POST /api/companies/{companyId}/refunds/{refundId}/cancel'],
  'returns add': ['POST /api/companies/{companyId}/returns'],
  'returns receive': ['POST /api/companies/{companyId}/returns/{rmaId}/receive'],
  'returns refund': ['POST /api/companies/{companyId}/returns/{rmaId}/refund'],
  'returns list': ['GET /api/returns'],
  'settlements import': ['POST /api/companies/{companyId}/settlements'],
  'settlements list': ['GET /api/settlements'],
  'settlements show': ['GET /api/companies/{companyId}/settlements/{settlementId}'],
  'settlements discrepancies': ['GET /api/companies/{companyId}/settlement-discrepancies'],
  'feeds list': ['GET /api/companies/{companyId}/feeds'],
  'feeds show': ['GET /api/companies/{companyId}/feeds/{feedId}'],
  audit: ['GET /api/audit'],
};

/** `company add`, `orders show`, `ship`: every command that does something, however deep. */
function leafCommands(command: Command, prefix: string[] = []): string[] {
  return command.commands.flatMap((sub) => {
    const path = [...prefix, sub.name()];
    return sub.commands.length === 0 ? [path.join(' ')] : leafCommands(sub, path);
  });
}

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

  it('has a route for every CLI command, through the same service', async () => {
    const program = await buildProgram([], { json: false, printed: () => undefined });
    const commands = leafCommands(program);
    expect(commands.length).toBeGreaterThan(40);
    expect(
      commands.filter((command) => !(command in CLI_ROUTES)),
      'commands without a route',
    ).toEqual([]);
    expect(Object.keys(CLI_ROUTES).filter((command) => !commands.includes(command))).toEqual([]);
    const spec = await openapi();
    const documented = new Set(
      Object.entries(spec.paths).flatMap(([path, item]) =>
        Object.keys(item ?? {}).map((method) => `${method.toUpperCase()} ${path}`),
      ),
    );
    const missing = Object.values(CLI_ROUTES)
      .flatMap((routes) => (Array.isArray(routes) ? routes : []))
      .filter((route) => !documented.has(route));
    expect(missing, 'routes named for a CLI command but not in the OpenAPI document').toEqual([]);
  });

  it('documents the settlement upload as a file body', async () => {
    const upload = (await openapi()).paths['/api/companies/{companyId}/settlements']?.post;
    const content = (upload?.requestBody as OpenAPIV3.RequestBodyObject | undefined)?.content ?? {};
    expect(Object.keys(content).sort()).toEqual(
      ['application/gzip', 'application/octet-stream', 'text/tab-separated-values'].sort(),
    );
    expect(content['application/octet-stream']?.schema).toMatchObject({ type: 'string', format: 'binary' });
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
