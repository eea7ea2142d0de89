import type {
  FastifyBaseLogger,
  FastifyInstance,
  RawReplyDefaultExpression,
  RawRequestDefaultExpression,
  RawServerDefault,
} from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { AppContext } from '../context.js';
import type { JobHandlers } from '../jobs/handlers.js';
import type { JobQueues } from '../jobs/queues.js';

/** What the routes work with: the same context and services as the CLI. */
export interface AdminDeps {
  app: AppContext;
  /** The daemon's queues once Redis answers; undefined before, and the routes needing them answer 503. */
  queues: () => JobQueues | undefined;
  handlers: JobHandlers;
}

export type AdminServer = FastifyInstance;

export type ZodServer = FastifyInstance<
  RawServerDefault,
  RawRequestDefaultExpression,
  RawReplyDefaultExpression,
  FastifyBaseLogger,
  ZodTypeProvider
>;
export type AdminRoutes = (server: ZodServer, deps: AdminDeps) => void;
