import { checkReadiness } from '../health.js';
import type { AdminRoutes } from '../types.js';

/** Container probes, open without a token. */
export const healthRoutes: AdminRoutes = (server, { app }) => {
  server.get(
    '/healthz',
    { schema: { summary: 'liveness: the process answers', tags: ['health'], security: [] } },
    async () => ({ status: 'ok' }),
  );
  server.get(
    '/readyz',
    {
      schema: {
        summary: 'readiness: Postgres and Redis answer (503 while either does not)',
        tags: ['health'],
        security: [],
      },
    },
    async (_request, reply) => {
      const readiness = await checkReadiness(app);
      return reply.code(readiness.ready ? 200 : 503).send(readiness);
    },
  );
};
