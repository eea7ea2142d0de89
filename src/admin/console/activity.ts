import type { FastifyInstance } from 'fastify';
import { listAudit } from '../../audit/audit.repository.js';
import { listCompanies } from '../../companies/companies.service.js';
import { fulfillmentMetrics } from '../../fulfillment/metrics.js';
import { html } from '../html.js';
import { page } from './layout.js';

import { hidden, send, type ConsoleContext } from './http.js';

/** Account health and the audit log. */
export function activityPages(server: FastifyInstance, { deps }: ConsoleContext): void {
  const { app } = deps;
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
