import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { listCompanies } from '../companies/companies.service.js';
import type { AppContext } from '../context.js';
import { listRuns } from '../jobs/job-runs.repository.js';
import { checkReadiness } from './health.js';
import { hasAdminToken, sendJson } from './http.js';

/**
 * The admin HTTP server. `/healthz` and `/readyz` are open (container probes); everything under `/api`
 * requires `Authorization: Bearer $ADMIN_TOKEN`.
 */
export function createAdminServer(app: AppContext): Server {
  return createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://admin');
    const route = `${request.method} ${url.pathname}`;
    const handle = async () => {
      if (route === 'GET /healthz') return sendJson(response, 200, { status: 'ok' });
      if (route === 'GET /readyz') {
        const readiness = await checkReadiness(app);
        return sendJson(response, readiness.ready ? 200 : 503, readiness);
      }
      if (url.pathname.startsWith('/api/') && !hasAdminToken(request, app.config.adminToken)) {
        return sendJson(response, 401, { error: 'missing or wrong admin token (Authorization: Bearer …)' });
      }
      if (route === 'GET /api/companies') return sendJson(response, 200, await listCompanies(app.db));
      if (route === 'GET /api/runs') {
        const company = url.searchParams.get('company');
        const companyId = company === null ? undefined : Number(company);
        if (companyId !== undefined && !(Number.isInteger(companyId) && companyId > 0)) {
          return sendJson(response, 400, {
            error: 'company: expected a company id (a positive whole number)',
          });
        }
        return sendJson(response, 200, await listRuns(app.db, { companyId, limit: 100 }));
      }
      return sendJson(response, 404, { error: `no route ${route}` });
    };
    handle().catch((err: unknown) => {
      app.logger.error({ err, route }, 'admin request failed');
      if (!response.headersSent) sendJson(response, 500, { error: 'internal error' });
    });
  });
}

export async function listen(server: Server, host: string, port: number): Promise<AddressInfo> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  return server.address() as AddressInfo;
}
