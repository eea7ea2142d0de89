import type { AddressInfo } from 'node:net';
import fastifySwagger from '@fastify/swagger';
import Fastify, { LogController, type FastifyBaseLogger } from 'fastify';
import {
  jsonSchemaTransform,
  serializerCompiler,
  validatorCompiler,
  type ZodTypeProvider,
} from 'fastify-type-provider-zod';
import type { AppContext } from '../context.js';
import { packageVersion } from '../cli/version.js';
import { JOB_HANDLERS } from '../wiring.js';
import { hasBearerToken } from './auth.js';
import { consoleRoutes } from './console/routes.js';
import { installErrorHandling } from './errors.js';
import { keepSentBodies } from './request-body.js';
import { registerMetricsRoute } from './metrics.js';
import { registerReference } from './reference.js';
import { activityRoutes } from './routes/activity.js';
import { cancellationRoutes } from './routes/cancellations.js';
import { companyRoutes } from './routes/companies.js';
import { healthRoutes } from './routes/health.js';
import { jobRoutes } from './routes/jobs.js';
import { orderRoutes } from './routes/orders.js';
import { refundRoutes } from './routes/refunds.js';
import { returnRoutes } from './routes/returns.js';
import { settlementRoutes } from './routes/settlements.js';
import { shipmentRoutes } from './routes/shipments.js';
import type { AdminDeps, AdminRoutes, AdminServer } from './types.js';

export type { AdminServer } from './types.js';

const ROUTES: AdminRoutes[] = [
  healthRoutes,
  companyRoutes,
  jobRoutes,
  orderRoutes,
  shipmentRoutes,
  cancellationRoutes,
  refundRoutes,
  returnRoutes,
  settlementRoutes,
  activityRoutes,
];

/** A request body larger than this is refused with 413 before it is read whole. */
export const BODY_LIMIT_BYTES = 1024 * 1024;

export interface AdminServerOptions extends Partial<Omit<AdminDeps, 'app'>> {
  /** Told of every route as it is added (tests compare them with the OpenAPI document). */
  onRoute?: (route: { method: string; url: string; hidden: boolean }) => void;
}

/**
 * The admin HTTP server. `/healthz` and `/readyz` are open (container probes); everything under `/api`,
 * and `/metrics` unless it has a port of its own, requires `Authorization: Bearer $ADMIN_TOKEN`;
 * `/api/openapi.json` describes every route.
 */
export async function createAdminServer(
  app: AppContext,
  options: AdminServerOptions = {},
): Promise<AdminServer> {
  const deps: AdminDeps = {
    app,
    queues: options.queues ?? (() => undefined),
    handlers: options.handlers ?? JOB_HANDLERS,
  };
  const server = Fastify({
    loggerInstance: app.logger as FastifyBaseLogger,
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: BODY_LIMIT_BYTES,
    return503OnClosing: true,
    // Stopping closes every connection at once, as a stop must not wait for a client's keep-alive.
    forceCloseConnections: true,
  });
  server.setValidatorCompiler(validatorCompiler);
  server.setSerializerCompiler(serializerCompiler);
  installErrorHandling(server);
  server.addHook('onRoute', (route) => {
    const hidden = Boolean((route.schema as { hide?: boolean } | undefined)?.hide);
    for (const method of [route.method].flat())
      options.onRoute?.({ method: String(method), url: route.url, hidden });
  });
  keepSentBodies(server);
  // The API takes JSON only: any other body is a 415, not a string for the schema to refuse.
  server.removeContentTypeParser('text/plain');
  await server.register(fastifySwagger, {
    openapi: {
      openapi: '3.0.3',
      info: {
        title: 'sellersync admin API',
        version: packageVersion(),
        description:
          'Every operator action of sellersync. Send `Authorization: Bearer $ADMIN_TOKEN` on every `/api` call.',
      },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
      security: [{ bearer: [] }],
    },
    transform: jsonSchemaTransform,
  });
  server.addHook('onRequest', async (request, reply) => {
    const path = request.url.split('?')[0] ?? '';
    if (!(path === '/api' || path.startsWith('/api/') || path === '/metrics')) return;
    if (hasBearerToken(request, app.config.adminToken)) return;
    return reply
      .code(401)
      .header('www-authenticate', 'Bearer')
      .send({ error: 'missing or wrong admin token (Authorization: Bearer …)', code: 'unauthorized' });
  });
  const typed = server.withTypeProvider<ZodTypeProvider>();
  for (const routes of ROUTES) routes(typed, deps);
  registerReference(typed);
  // Its own scope: form bodies and its error pages apply to the console only.
  await server.register(async (scope) => consoleRoutes(scope, deps));
  if (app.config.metricsPort === undefined) registerMetricsRoute(server, deps);
  await server.ready();
  return server;
}

export async function listen(server: AdminServer, host: string, port: number): Promise<AddressInfo> {
  await server.listen({ host, port });
  return server.server.address() as AddressInfo;
}
