import type { FastifyInstance } from 'fastify';
import { listOrders } from '../../orders/orders.queries.js';
import { showOrders } from '../../orders/orders.service.js';
import { UsageError } from '../../shared/errors.js';
import { html } from '../html.js';
import { page } from './layout.js';
import { orderDetail } from './order-detail.js';

import { hidden, idParam, send, type ConsoleContext } from './http.js';
import { clockOf } from '../../context.js';

/** Orders and their detail. */
export function orderPages(server: FastifyInstance, context: ConsoleContext): void {
  const { app } = context.deps;
  server.get('/console/orders', hidden, async (request, reply) => {
    const company = Number((request.query as { company?: string }).company) || undefined;
    const orders = await listOrders(app.db, { companyId: company, limit: 100 }, clockOf(app)());
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
    return send(reply, page(`Order ${details.order.amazonOrderId}`, await orderDetail(context, details)));
  });
}
