import type { FastifyInstance } from 'fastify';
import { listAudit } from '../../audit/audit.repository.js';
import { html } from '../html.js';
import { page } from './layout.js';

import { hidden, send, type ConsoleContext } from './http.js';

/** The audit log. */
export function activityPages(server: FastifyInstance, { deps }: ConsoleContext): void {
  const { app } = deps;
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
