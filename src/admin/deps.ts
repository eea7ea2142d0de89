import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { AuditActor } from '../audit/audit.repository.js';
import type { JobQueues } from '../jobs/queues.js';
import { ServiceUnavailableError } from '../shared/errors.js';
import type { AdminDeps } from './types.js';

/** Who acts through the admin server: the API's token or a console session, from the client's address. */
export function actorOf(request: FastifyRequest): AuditActor {
  const viaConsole = request.url.startsWith('/console');
  return { actor: viaConsole ? 'console' : 'api', origin: request.ip };
}

/** The queues, or 503 while the daemon is still waiting for Redis. */
export function requireQueues(deps: AdminDeps): JobQueues {
  const queues = deps.queues();
  if (!queues) throw new ServiceUnavailableError('REDIS_URL', '', 'the job queues are not open yet');
  return queues;
}

export const companyParams = z.object({
  companyId: z.coerce
    .number({ error: 'expected a company id (a positive whole number)' })
    .int({ error: 'expected a company id (a positive whole number)' })
    .positive({ error: 'expected a company id (a positive whole number)' }),
});

export const optionalCompanyQuery = z.object({
  company: companyParams.shape.companyId.optional().describe('only this company'),
});
