import type { FastifyError, FastifyInstance } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { DecryptionError } from '../shared/crypto.js';
import { NotFoundError, ServiceUnavailableError, UpstreamError, UsageError } from '../shared/errors.js';
import { isRedisFailure, RedisCommandError } from '../shared/redis.js';
import { isConnectionFailure } from '../shared/stores.js';

/** What every error answer looks like: a message for people, a code for programs, the field at fault. */
export interface ErrorBody {
  error: string;
  code: string;
  field?: string;
  issues?: { field: string; message: string }[];
  requestId?: string;
}

const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const;

/** A route's URL pattern (`/api/companies/:id`) as a regular expression over concrete paths. */
function patternOf(url: string): RegExp {
  const escaped = url
    .split('/')
    .map((part) => (part.startsWith(':') ? '[^/]+' : part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
    .join('/');
  return new RegExp(`^${escaped}/?$`);
}

/**
 * The methods each path answers, to tell a wrong method (405, with `Allow`) from an unknown route (404).
 * Fastify itself answers both with 404.
 */
function trackRoutes(server: FastifyInstance): (path: string) => string[] {
  const routes: { pattern: RegExp; methods: string[] }[] = [];
  server.addHook('onRoute', (route) => {
    const methods = (Array.isArray(route.method) ? route.method : [route.method]).map(String);
    routes.push({ pattern: patternOf(route.url), methods });
  });
  return (path) => {
    const allowed = new Set<string>();
    for (const route of routes) {
      if (route.pattern.test(path)) route.methods.forEach((method) => allowed.add(method));
    }
    return METHODS.filter((method) => allowed.has(method));
  };
}

function validationAnswer(err: FastifyError): ErrorBody {
  const where = err.validationContext ?? 'input';
  const issues = (err.validation ?? []).map((issue) => {
    const path = issue.instancePath.replace(/^\//, '').replaceAll('/', '.');
    return { field: path ? `${where}.${path}` : where, message: issue.message ?? 'invalid' };
  });
  return {
    error: issues.map((issue) => `${issue.field}: ${issue.message}`).join('; '),
    code: 'invalid',
    ...(issues[0] ? { field: issues[0].field } : {}),
    issues,
  };
}

/**
 * 400 for input the schema refuses (with the field path) and for a service's `UsageError`; 404 for what
 * does not exist; Fastify's own client errors (malformed JSON, 413, 415) with their status; anything else
 * is our fault: 500 with a request id, logged, never the stack.
 */
export function installErrorHandling(server: FastifyInstance): void {
  const allowedMethods = trackRoutes(server);
  server.setNotFoundHandler(async (request, reply) => {
    const path = request.url.split('?')[0] ?? '/';
    const allowed = allowedMethods(path);
    if (allowed.length > 0) {
      return reply
        .code(405)
        .header('allow', allowed.join(', '))
        .send({
          error: `${request.method} is not allowed on ${path}; use ${allowed.join(', ')}`,
          code: 'method',
        });
    }
    return reply.code(404).send({ error: `no route ${request.method} ${path}`, code: 'not_found' });
  });
  server.setErrorHandler(async (err: FastifyError, request, reply) => {
    if (hasZodFastifySchemaValidationErrors(err) || err.validation) {
      return reply.code(400).send(validationAnswer(err));
    }
    if (err instanceof UsageError) {
      return reply
        .code(400)
        .send({ error: err.message, code: 'usage', ...(err.field ? { field: err.field } : {}) });
    }
    if (err instanceof NotFoundError) return reply.code(404).send({ error: err.message, code: 'not_found' });
    if (err instanceof UpstreamError) return reply.code(502).send({ error: err.message, code: 'upstream' });
    if (err instanceof ServiceUnavailableError) {
      // Without the address: a URL may carry a password.
      const store = err.variable === 'DATABASE_URL' ? 'PostgreSQL' : 'Redis';
      return reply.code(503).send({ error: `${store} cannot be reached; try again`, code: 'unavailable' });
    }
    // A query or command that lost its store mid-request (an outage, a cut connection) or that the store
    // refused (Redis out of memory or read-only): the store is unavailable, not the server broken. The
    // fail-fast Redis names itself, the queues' Redis is told by its replies and ioredis's own errors;
    // any other connection failure is Postgres's.
    const redisFailed = err instanceof RedisCommandError || isRedisFailure(err);
    if (redisFailed || isConnectionFailure(err)) {
      const store = redisFailed ? 'Redis' : 'PostgreSQL';
      request.log.warn(
        { reason: err.message.split('\n')[0] },
        `${store} could not be reached during a request`,
      );
      return reply.code(503).send({ error: `${store} cannot be reached; try again`, code: 'unavailable' });
    }
    const status = err.statusCode ?? 500;
    if (status >= 400 && status < 500) {
      return reply.code(status).send({ error: err.message, code: err.code ?? 'client' });
    }
    request.log.error({ err: err instanceof DecryptionError ? err.message : err }, 'admin request failed');
    return reply.code(500).send({ error: 'internal error', code: 'internal', requestId: String(request.id) });
  });
}
