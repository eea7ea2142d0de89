import type { FastifyReply, FastifyRequest } from 'fastify';
import { UsageError } from '../../shared/errors.js';
import type { AdminDeps } from '../types.js';

/** What every console page works with: the routes' dependencies and the CSRF value of its forms. */
export interface ConsoleContext {
  deps: AdminDeps;
  csrf: string;
}

export const hidden = { schema: { hide: true } };

export function field(request: FastifyRequest, name: string): string {
  const value = (request.body as Record<string, unknown> | undefined)?.[name];
  if (typeof value !== 'string') throw new UsageError(`${name}: missing`, { field: name });
  return value;
}

export function idParam(request: FastifyRequest): number {
  const id = Number((request.params as { companyId?: string }).companyId);
  if (!Number.isInteger(id) || id <= 0) throw new UsageError('expected a company id', { field: 'companyId' });
  return id;
}

export function send(reply: FastifyReply, text: string, status = 200) {
  return reply.code(status).type('text/html; charset=utf-8').header('cache-control', 'no-store').send(text);
}
