import type { FastifyInstance } from 'fastify';
import { listOrders } from '../../orders/orders.queries.js';
import { showOrders } from '../../orders/orders.service.js';
import { UsageError } from '../../shared/errors.js';
import { html } from '../html.js';
import { page } from './layout.js';

import { hidden, idParam, send, type ConsoleContext } from './http.js';

/** Orders and their detail. */
export function orderPages(server: FastifyInstance, { deps }: ConsoleContext): void {
  const { app } = deps;
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
}
