import formBody from '@fastify/formbody';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { UsageError } from '../../shared/errors.js';
import { sameSecret } from '../auth.js';
import { html } from '../html.js';
import type { AdminDeps } from '../types.js';
import { page } from './layout.js';
import { csrfValue, hasCsrf, isSignedIn, signIn, signOut } from './session.js';

import { activityPages } from './activity.js';
import { attentionPages } from './attention.js';
import { companyPages } from './companies.js';
import { feedPages } from './feeds.js';
import { healthPages } from './health.js';
import { hidden, send } from './http.js';
import { orderActions } from './order-actions.js';
import { rejectionActions } from './rejections.js';
import { orderPages } from './orders.js';

/** The page a refused form came from (same site only), for its Back link. */
function backOf(request: FastifyRequest): string {
  const referer = request.headers.referer ?? '';
  const path = referer.replace(/^https?:\/\/[^/]+/, '');
  return path.startsWith('/console/') && !path.startsWith('/console/login') ? path : '/console';
}

/** The web console: server-rendered pages on the same services as the API and the CLI. */
export async function consoleRoutes(server: FastifyInstance, deps: AdminDeps): Promise<void> {
  const { app } = deps;
  const token = app.config.adminToken;
  const csrf = csrfValue(token);
  await server.register(formBody, { bodyLimit: 64 * 1024 });
  server.addHook('preHandler', async (request, reply) => {
    const path = request.url.split('?')[0];
    if (path === '/console/login') return;
    if (!isSignedIn(request, token)) return reply.redirect('/console/login', 303);
    if (request.method === 'POST' && !hasCsrf(request.body, token)) {
      return send(reply, page('Refused', html`<p class="error">The form is not from this console.</p>`), 403);
    }
  });
  server.setErrorHandler(async (err, request, reply) => {
    if (err instanceof UsageError || (err as { statusCode?: number }).statusCode === 404) {
      return send(
        reply,
        page(
          'Not done',
          html`<p class="error">${(err as Error).message}</p>
            <p><a href="${backOf(request)}">Back</a></p>`,
        ),
        400,
      );
    }
    request.log.error({ err }, 'console request failed');
    return send(
      reply,
      page('Error', html`<p class="error">Something failed on our side (request ${request.id}).</p>`),
      500,
    );
  });

  server.get('/console/login', hidden, async (_request, reply) =>
    send(
      reply,
      page(
        'Sign in',
        html`<form method="post" action="/console/login">
          <label
            >Admin token <input type="password" name="token" autocomplete="current-password" required
          /></label>
          <button>Sign in</button>
        </form>`,
        false,
      ),
    ),
  );
  server.post('/console/login', hidden, async (request, reply) => {
    const given = (request.body as { token?: unknown } | undefined)?.token;
    if (typeof given !== 'string' || !sameSecret(given, token)) {
      return send(
        reply,
        page(
          'Sign in',
          html`<p class="error">Wrong token.</p>
            <p><a href="/console/login">Try again</a></p>`,
          false,
        ),
        401,
      );
    }
    signIn(reply, token);
    return reply.redirect('/console', 303);
  });
  server.post('/console/logout', hidden, async (_request, reply) => {
    signOut(reply);
    return reply.redirect('/console/login', 303);
  });

  const context = { deps, csrf };
  for (const pages of [
    companyPages,
    attentionPages,
    rejectionActions,
    orderPages,
    orderActions,
    feedPages,
    healthPages,
    activityPages,
  ])
    pages(server, context);
}
