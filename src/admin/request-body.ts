import type { FastifyInstance, FastifyRequest } from 'fastify';

/**
 * The JSON body as the client sent it, before the route's schema transformed it (dates parsed, text
 * trimmed). The services validate their input themselves, from what a client typed, as with the CLI.
 */
const sentBodies = new WeakMap<FastifyRequest, unknown>();

export function keepSentBodies(server: FastifyInstance): void {
  server.addHook('preValidation', async (request) => {
    sentBodies.set(request, request.body);
  });
}

export function sentBody(request: FastifyRequest): unknown {
  return sentBodies.get(request);
}
