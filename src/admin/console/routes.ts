import formBody from '@fastify/formbody';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { listAudit, recordAudit } from '../../audit/audit.repository.js';
import { requestCancellation, declineCancelRequest } from '../../cancellations/cancellations.service.js';
import { listCancellations } from '../../cancellations/cancellations.repository.js';
import { getCompany, listCompanies, updateCompany } from '../../companies/companies.service.js';
import { fulfillmentShipmentGuard } from '../../fulfillment/cancellation-guard.js';
import { fulfillmentMetrics } from '../../fulfillment/metrics.js';
import { listShipments } from '../../fulfillment/shipments.repository.js';
import { listRuns } from '../../jobs/job-runs.repository.js';
import { isJobKind } from '../../jobs/kinds.js';
import { enqueueManualRun } from '../../jobs/queues.js';
import { runJob } from '../../jobs/run-job.js';
import { reconcileCompanySchedules } from '../../jobs/schedules.js';
import { listDownloadProblems } from '../../orders/download-problems.repository.js';
import { listOpenCancelRequests } from '../../orders/orders.cancelling.js';
import { listAtRiskOrders, listOrders } from '../../orders/orders.queries.js';
import { showOrders } from '../../orders/orders.service.js';
import { UsageError } from '../../shared/errors.js';
import { sameSecret } from '../auth.js';
import { actorOf } from '../deps.js';
import { html } from '../html.js';
import type { AdminDeps } from '../types.js';
import { action, hoursLeft, page } from './layout.js';
import { csrfValue, hasCsrf, isSignedIn, signIn, signOut } from './session.js';

const TOGGLES = {
  allowOrderDownload: 'download',
  allowFulfillmentUpload: 'upload',
  allowCheckoutByAmazonOrders: 'checkout by Amazon',
  zeroInventoryOnNoStockCancel: 'zero inventory on no stock',
} as const;
type Toggle = keyof typeof TOGGLES;
const hidden = { schema: { hide: true } };

function field(request: FastifyRequest, name: string): string {
  const value = (request.body as Record<string, unknown> | undefined)?.[name];
  if (typeof value !== 'string') throw new UsageError(`${name}: missing`, { field: name });
  return value;
}

function idParam(request: FastifyRequest): number {
  const id = Number((request.params as { companyId?: string }).companyId);
  if (!Number.isInteger(id) || id <= 0) throw new UsageError('expected a company id', { field: 'companyId' });
  return id;
}

function send(reply: FastifyReply, text: string, status = 200) {
  return reply.code(status).type('text/html; charset=utf-8').header('cache-control', 'no-store').send(text);
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
            <p><a href="/console">Back</a></p>`,
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

  server.get('/console', hidden, async (_request, reply) => {
    const companies = await listCompanies(app.db);
    const rows = await Promise.all(
      companies.map(async (c) => {
        const runs = await listRuns(app.db, { companyId: c.id, limit: 1 });
        const toggles = (Object.keys(TOGGLES) as Toggle[]).map(
          (t) =>
            html`<div>
              ${TOGGLES[t]}:
              <strong data-toggle="${t}">${c[t] ? 'on' : 'off'}</strong>
              ${action(`/console/companies/${c.id}/toggle`, c[t] ? 'switch off' : 'switch on', csrf, { setting: t, value: c[t] ? 'off' : 'on' })}
            </div>`,
        );
        const last = runs[0];
        return html`<tr data-company="${c.id}">
          <td>${c.id}</td>
          <td>${c.name}</td>
          <td>${c.sellerId}</td>
          <td>${c.authStatus}</td>
          <td>${toggles}</td>
          <td>
            ${last ? html`${last.kind} ${last.status}<br /><span class="muted">${last.startedAt}</span>` : 'none'}
          </td>
          <td>
            ${action(`/console/companies/${c.id}/run`, 'Download orders now', csrf, { kind: 'order-download' })}
            ${action(`/console/companies/${c.id}/run`, 'Upload shipments now', csrf, { kind: 'fulfillment-upload' })}
          </td>
        </tr>`;
      }),
    );
    return send(
      reply,
      page(
        'Companies',
        html`<table>
          <tr>
            <th>id</th>
            <th>name</th>
            <th>seller</th>
            <th>auth</th>
            <th>toggles</th>
            <th>last run</th>
            <th>run now</th>
          </tr>
          ${rows}
        </table>`,
      ),
    );
  });

  server.post('/console/companies/:companyId/toggle', hidden, async (request, reply) => {
    const companyId = idParam(request);
    const setting = field(request, 'setting');
    if (!(setting in TOGGLES)) throw new UsageError(`unknown setting ${setting}`);
    const changes = { [setting]: field(request, 'value') === 'on' };
    const changed = await updateCompany(app.db, app.config.keyring, companyId, changes);
    const queues = deps.queues();
    if (queues) await reconcileCompanySchedules(queues, changed);
    await recordAudit(app.db, actorOf(request), { action: 'company.set', companyId, detail: changes });
    return reply.redirect('/console', 303);
  });

  server.post('/console/companies/:companyId/run', hidden, async (request, reply) => {
    const companyId = idParam(request);
    const kind = field(request, 'kind');
    if (!isJobKind(kind)) throw new UsageError(`unknown job kind ${kind}`);
    await getCompany(app.db, companyId);
    const queues = deps.queues();
    if (!queues) throw new UsageError('the job queues are not open yet; try again in a moment');
    await recordAudit(app.db, actorOf(request), {
      action: 'run',
      companyId,
      detail: { kind, queued: false },
    });
    await runJob(app, queues, deps.handlers, { kind, companyId, trigger: 'manual' });
    return reply.redirect(`/console/runs?company=${companyId}`, 303);
  });

  server.get('/console/runs', hidden, async (request, reply) => {
    const company = Number((request.query as { company?: string }).company) || undefined;
    const runs = await listRuns(app.db, { companyId: company, limit: 50 });
    return send(
      reply,
      page(
        'Runs',
        html`<table>
          <tr>
            <th>id</th>
            <th>company</th>
            <th>kind</th>
            <th>trigger</th>
            <th>status</th>
            <th>started</th>
            <th>finished</th>
            <th>counts</th>
            <th>error</th>
          </tr>
          ${runs.map(
            (r) =>
              html`<tr>
                <td>${r.id}</td>
                <td>${r.companyId}</td>
                <td>${r.kind}</td>
                <td>${r.trigger}</td>
                <td class="${r.status === 'failed' ? 'bad' : ''}">${r.status}</td>
                <td>${r.startedAt}</td>
                <td>${r.finishedAt}</td>
                <td><code>${JSON.stringify(r.counts)}</code></td>
                <td>${r.error}</td>
              </tr>`,
          )}
        </table>`,
      ),
    );
  });

  server.get('/console/attention', hidden, async (_request, reply) => {
    const now = new Date();
    const sections = await Promise.all(
      (await listCompanies(app.db)).map(async (c) => {
        const atRisk = await listAtRiskOrders(app.db, c.id, app.config.orders.atRiskHours, 50, now);
        const requests = await listOpenCancelRequests(app.db, c.id);
        const rejected = await listShipments(app.db, c.id, { states: ['rejected'] });
        const rejectedCancellations = await listCancellations(app.db, c.id, { states: ['rejected'] });
        const problems = await listDownloadProblems(app.db, { companyId: c.id, includeResolved: false });
        const base = `/console/companies/${c.id}/cancel-requests`;
        return html`<h2>${c.name}</h2>
          <h3>Buyer cancellation requests</h3>
          <table>
            <tr>
              <th>order</th>
              <th>buyer's reason</th>
              <th>respond by</th>
              <th></th>
            </tr>
            ${requests.map(
              (r) =>
                html`<tr data-request="${r.amazonOrderId}">
                  <td>
                    <a href="/console/companies/${c.id}/orders/${r.amazonOrderId}">${r.amazonOrderId}</a>
                  </td>
                  <td>${r.buyerReason}</td>
                  <td>${r.respondBy} (${hoursLeft(r.respondBy, now)})</td>
                  <td>
                    ${action(`${base}/${r.amazonOrderId}/accept`, 'Accept (cancel the order)', csrf)}
                    ${action(`${base}/${r.amazonOrderId}/decline`, 'Decline (ship it)', csrf)}
                  </td>
                </tr>`,
            )}
          </table>
          <h3>Orders near their ship-by time</h3>
          <table>
            <tr>
              <th>order</th>
              <th>status</th>
              <th>ship by</th>
              <th></th>
            </tr>
            ${atRisk.map(
              (o) =>
                html`<tr>
                  <td>
                    <a href="/console/companies/${c.id}/orders/${o.amazonOrderId}">${o.amazonOrderId}</a>
                  </td>
                  <td>${o.status}</td>
                  <td>${o.latestShipDate}</td>
                  <td class="${o.late ? 'bad' : ''}">${hoursLeft(o.latestShipDate, now)}</td>
                </tr>`,
            )}
          </table>
          <h3>Rejected shipments and cancellations</h3>
          <table>
            <tr>
              <th>what</th>
              <th>order</th>
              <th>Amazon's message</th>
            </tr>
            ${rejected.map(
              (s) =>
                html`<tr>
                  <td>shipment ${s.id}</td>
                  <td>${s.amazonOrderId}</td>
                  <td>${s.resultCode}: ${s.resultMessage}</td>
                </tr>`,
            )}
            ${rejectedCancellations.map(
              (x) =>
                html`<tr>
                  <td>cancellation ${x.id}</td>
                  <td>${x.amazonOrderId}</td>
                  <td>${x.resultCode}: ${x.resultMessage}</td>
                </tr>`,
            )}
          </table>
          <h3>Download problems</h3>
          <table>
            <tr>
              <th>order</th>
              <th>problem</th>
              <th>last seen</th>
            </tr>
            ${problems.map(
              (p) =>
                html`<tr>
                  <td>${p.amazonOrderId}</td>
                  <td>${p.problem}</td>
                  <td>${p.lastSeenAt}</td>
                </tr>`,
            )}
          </table>`;
      }),
    );
    return send(reply, page('Attention', html`${sections}`));
  });

  for (const decision of ['accept', 'decline'] as const) {
    server.post(
      `/console/companies/:companyId/cancel-requests/:amazonOrderId/${decision}`,
      hidden,
      async (request, reply) => {
        const companyId = idParam(request);
        const { amazonOrderId } = request.params as { amazonOrderId: string };
        const company = await getCompany(app.db, companyId);
        if (decision === 'accept') {
          await requestCancellation(app.db, fulfillmentShipmentGuard, company, {
            amazonOrderId,
            reason: 'BuyerCanceled',
          });
          const queues = deps.queues();
          if (queues) await enqueueManualRun(queues, 'cancellation-upload', companyId).catch(() => undefined);
        } else {
          await declineCancelRequest(app.db, companyId, amazonOrderId);
        }
        await recordAudit(app.db, actorOf(request), {
          action: `cancel-request.${decision}`,
          companyId,
          amazonOrderId,
        });
        return reply.redirect('/console/attention', 303);
      },
    );
  }

  server.get('/console/orders', hidden, async (request, reply) => {
    const company = Number((request.query as { company?: string }).company) || undefined;
    const orders = await listOrders(app.db, { companyId: company, limit: 100 });
    return send(
      reply,
      page(
        'Orders',
        html`<table>
          <tr>
            <th>company</th>
            <th>order</th>
            <th>purchased</th>
            <th>status</th>
            <th>channel</th>
            <th>total</th>
            <th>ship by</th>
            <th>hold</th>
          </tr>
          ${orders.map(
            (o) =>
              html`<tr data-order="${o.amazonOrderId}">
                <td>${o.companyId}</td>
                <td>
                  <a href="/console/companies/${o.companyId}/orders/${o.amazonOrderId}">${o.amazonOrderId}</a>
                </td>
                <td>${o.purchaseDate}</td>
                <td>${o.status}</td>
                <td>${o.fulfillmentChannel}</td>
                <td>${o.orderTotal} ${o.currency}</td>
                <td>${o.latestShipDate}</td>
                <td>${o.onHold ? o.holdReason : ''}</td>
              </tr>`,
          )}
        </table>`,
      ),
    );
  });

  server.get('/console/companies/:companyId/orders/:amazonOrderId', hidden, async (request, reply) => {
    const companyId = idParam(request);
    const { amazonOrderId } = request.params as { amazonOrderId: string };
    const details = (await showOrders(app.db, app.config.keyring, amazonOrderId, false)).find(
      (d) => d.order.companyId === companyId,
    );
    if (!details)
      throw new UsageError(`order ${amazonOrderId} has not been downloaded for company ${companyId}`);
    const { order, items, timeline } = details;
    return send(
      reply,
      page(
        `Order ${order.amazonOrderId}`,
        html`<p>
            ${order.status} · ${order.fulfillmentChannel} · ${order.orderTotal} ${order.currency} · ship by
            ${order.latestShipDate}${order.onHold ? html` · <span class="bad">on hold: ${order.holdReason}</span>` : ''}
          </p>
          <p>${order.note}</p>
          <h2>Items</h2>
          <table>
            <tr>
              <th>item</th>
              <th>sku</th>
              <th>title</th>
              <th>ordered</th>
              <th>shipped</th>
              <th>cancelled</th>
              <th>customization</th>
            </tr>
            ${items.map(
              (i) =>
                html`<tr>
                  <td>${i.orderItemId}</td>
                  <td>${i.sku}</td>
                  <td>${i.title}</td>
                  <td>${i.quantityOrdered}</td>
                  <td>${i.quantityShipped}</td>
                  <td>${i.quantityCancelled}</td>
                  <td>${i.customizationSummary}</td>
                </tr>`,
            )}
          </table>
          <h2>Timeline</h2>
          <table>
            <tr>
              <th>when</th>
              <th>what</th>
              <th>from</th>
              <th>to</th>
              <th>source</th>
              <th>detail</th>
            </tr>
            ${timeline.map(
              (e) =>
                html`<tr>
                  <td>${e.occurredAt}</td>
                  <td>${e.kind}</td>
                  <td>${e.fromStatus}</td>
                  <td>${e.toStatus}</td>
                  <td>${e.source}</td>
                  <td><code>${JSON.stringify(e.detail)}</code></td>
                </tr>`,
            )}
          </table>`,
      ),
    );
  });

  server.get('/console/health', hidden, async (_request, reply) => {
    const sections = await Promise.all(
      (await listCompanies(app.db)).map(async (c) => {
        const figures = await fulfillmentMetrics(
          app.db,
          c.id,
          c.marketplaceIds,
          app.config.orders.atRiskHours,
        );
        const percent = (rate: number | null) => (rate === null ? 'n/a' : `${(rate * 100).toFixed(2)} %`);
        return html`<h2>${c.name}</h2>
          <table>
            <tr>
              <th>marketplace</th>
              <th>figure</th>
              <th>rate</th>
              <th>target</th>
              <th></th>
            </tr>
            ${figures.flatMap((m) =>
              [
                ...m.lateShipmentRate.map((f) => ({ name: `late shipment, ${f.windowDays} days`, f })),
                { name: `valid tracking, ${m.validTrackingRate.windowDays} days`, f: m.validTrackingRate },
              ].map(
                ({ name, f }) =>
                  html`<tr>
                    <td>${m.marketplaceId}</td>
                    <td>${name}</td>
                    <td>${percent(f.rate)} (${f.numerator}/${f.denominator})</td>
                    <td>${percent(f.target)}</td>
                    <td class="${f.meetsTarget === false ? 'bad' : 'ok'}">
                      ${f.meetsTarget === null ? '' : f.meetsTarget ? 'ok' : 'below target'}
                    </td>
                  </tr>`,
              ),
            )}
          </table>`;
      }),
    );
    return send(reply, page('Account health', html`${sections}`));
  });

  server.get('/console/audit', hidden, async (_request, reply) => {
    const entries = await listAudit(app.db, { limit: 200 });
    return send(
      reply,
      page(
        'Audit log',
        html`<table>
          <tr>
            <th>when</th>
            <th>who</th>
            <th>from</th>
            <th>what</th>
            <th>company</th>
            <th>order</th>
            <th>detail</th>
          </tr>
          ${entries.map(
            (e) =>
              html`<tr>
                <td>${e.occurredAt}</td>
                <td>${e.actor}</td>
                <td>${e.origin}</td>
                <td>${e.action}</td>
                <td>${e.companyId}</td>
                <td>${e.amazonOrderId}</td>
                <td><code>${JSON.stringify(e.detail)}</code></td>
              </tr>`,
          )}
        </table>`,
      ),
    );
  });
}
