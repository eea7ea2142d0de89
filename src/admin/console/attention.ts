import type { FastifyInstance } from 'fastify';
import { recordAudit } from '../../audit/audit.repository.js';
import { requestCancellation, declineCancelRequest } from '../../cancellations/cancellations.service.js';
import { getCompany, listCompanies } from '../../companies/companies.service.js';
import { fulfillmentShipmentGuard } from '../../fulfillment/cancellation-guard.js';
import { clockOf } from '../../context.js';
import { enqueueManualRun } from '../../jobs/queues.js';
import { listDownloadProblems } from '../../orders/download-problems.repository.js';
import { listOpenCancelRequests } from '../../orders/orders.cancelling.js';
import { listAtRiskOrders } from '../../orders/orders.queries.js';
import { listOpenDiscrepancies } from '../../settlements/discrepancies.repository.js';
import { actorOf } from '../deps.js';
import { html } from '../html.js';
import { action, hoursLeft, page } from './layout.js';
import { discrepanciesSection } from './discrepancies.js';
import { rejectionsSection } from './rejections.js';

import { hidden, idParam, send, type ConsoleContext } from './http.js';

/** What needs the operator: buyer requests to answer, orders near ship-by, rejections, download problems. */
export function attentionPages(server: FastifyInstance, context: ConsoleContext): void {
  const { deps, csrf } = context;
  const { app } = deps;
  const clock = clockOf(app);
  server.get('/console/attention', hidden, async (_request, reply) => {
    const now = clock();
    const sections = await Promise.all(
      (await listCompanies(app.db)).map(async (c) => {
        const atRisk = await listAtRiskOrders(app.db, c.id, app.config.orders.atRiskHours, 50, now);
        const requests = await listOpenCancelRequests(app.db, c.id);
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
          ${await rejectionsSection(context, c.id)}
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
          </table>
          ${discrepanciesSection(await listOpenDiscrepancies(app.db, c.id))}`;
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
          await requestCancellation(
            app.db,
            fulfillmentShipmentGuard,
            company,
            { amazonOrderId, reason: 'BuyerCanceled' },
            clock(),
          );
          const queues = deps.queues();
          if (queues) await enqueueManualRun(queues, 'cancellation-upload', companyId).catch(() => undefined);
        } else {
          await declineCancelRequest(app.db, companyId, amazonOrderId, clockOf(app)());
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
}
