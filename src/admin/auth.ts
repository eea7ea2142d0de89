import { createHmac, timingSafeEqual } from 'node:crypto';
import type { FastifyRequest } from 'fastify';

/** Constant-time equality of two secrets; a length mismatch returns false without comparing. */
export function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** Whether the request carries `Authorization: Bearer <token>` with the admin token. */
export function hasBearerToken(request: FastifyRequest, token: string): boolean {
  const match = /^Bearer (.+)$/.exec(request.headers.authorization ?? '');
  return match?.[1] !== undefined && sameSecret(match[1], token);
}

/** A value derived from the admin token for one purpose: the cookie never holds the token itself. */
export function derivedSecret(token: string, purpose: 'console-session' | 'console-csrf'): string {
  return createHmac('sha256', token).update(purpose).digest('base64url');
}
