import type { FastifyReply, FastifyRequest } from 'fastify';
import { derivedSecret, sameSecret } from '../auth.js';

/**
 * The console's session: signing in with the admin token sets a cookie holding a value derived from the
 * token (never the token), HttpOnly and SameSite=Strict, so no other site can send it. Every form also
 * carries a CSRF value derived from the token, checked on each POST.
 */
export const SESSION_COOKIE = 'sellersync_console';

function cookieOf(request: FastifyRequest, name: string): string | undefined {
  for (const part of (request.headers.cookie ?? '').split(';')) {
    const [key, ...value] = part.trim().split('=');
    if (key === name) return value.join('=');
  }
  return undefined;
}

export function isSignedIn(request: FastifyRequest, token: string): boolean {
  const value = cookieOf(request, SESSION_COOKIE);
  return value !== undefined && sameSecret(value, derivedSecret(token, 'console-session'));
}

export function signIn(reply: FastifyReply, token: string): void {
  const value = derivedSecret(token, 'console-session');
  reply.header('set-cookie', `${SESSION_COOKIE}=${value}; Path=/console; HttpOnly; SameSite=Strict`);
}

export function signOut(reply: FastifyReply): void {
  reply.header('set-cookie', `${SESSION_COOKIE}=; Path=/console; HttpOnly; SameSite=Strict; Max-Age=0`);
}

export function csrfValue(token: string): string {
  return derivedSecret(token, 'console-csrf');
}

export function hasCsrf(body: unknown, token: string): boolean {
  const given = (body as { csrf?: unknown } | undefined)?.csrf;
  return typeof given === 'string' && sameSecret(given, csrfValue(token));
}
