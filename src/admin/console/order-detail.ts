import { listCancellations } from '../../cancellations/cancellations.repository.js';
import { currentCancelRate } from '../../cancellations/current-cancel-rate.js';
import { clockOf } from '../../context.js';
import { listShipments } from '../../fulfillment/shipments.repository.js';
import type { OrderDetails } from '../../orders/orders.service.js';
import { listRefunds } from '../../refunds/refunds.repository.js';
import { refundableOf } from '../../refunds/refunds.service.js';
import { orderPnl } from '../../settlements/settlements.queries.js';
import { NotFoundError } from '../../shared/errors.js';
import { html, type Html } from '../html.js';
import type { ConsoleContext } from './http.js';
import { action, table } from './layout.js';
import { cancelForm, refundForm, shipForm, unitsLeft } from './order-forms.js';

const OPEN_STATUSES = ['Unshipped', 'PartiallyShipped'];

const itemsOf = (items: { orderItemId: string; quantity: number }[]) =>
  items.map((i) => `${i.orderItemId}x${i.quantity}`).join(' ');
const messageOf = (x: {
  resultCode: string | null;
  resultMessage: string | null;
  lastError: string | null;
}) => (x.resultMessage ? `${x.resultCode ?? ''}: ${x.resultMessage}` : (x.lastError ?? ''));

/** The order as settled (`orders pnl`), or null before any settlement names it. */
async function settled(context: ConsoleContext, companyId: number, amazonOrderId: string) {
  try {
    return await orderPnl(context.deps.app.db, companyId, amazonOrderId);
  } catch (err) {
    if (err instanceof NotFoundError) return null;
    throw err;
  }
}

/** An order's page: its facts, what was sent to Amazon for it, the actions left, its P&L and timeline. */
export async function orderDetail(context: ConsoleContext, details: OrderDetails): Promise<Html> {
  const { app } = context.deps;
  const { order, items, timeline } = details;
  const companyId = order.companyId;
  const base = `/console/companies/${companyId}/orders/${order.amazonOrderId}`;
  const shipments = await listShipments(app.db, companyId, { amazonOrderIds: [order.amazonOrderId] });
  const cancellations = await listCancellations(app.db, companyId, { orderId: order.id });
  const refunds = await listRefunds(app.db, companyId, { orderId: order.id });
  const pnl = await settled(context, companyId, order.amazonOrderId);
  const sellerFulfilled = order.fulfillmentChannel === 'MFN';
  const open = sellerFulfilled && OPEN_STATUSES.includes(order.status);
  const shippedAny = items.some((i) => i.quantityShipped > 0);
  const now = clockOf(app)();
  const forms = [
    open ? shipForm(base, context.csrf, details) : html``,
    open ? cancelForm(base, context.csrf, details, await currentCancelRate(app.db, companyId, now)) : html``,
    sellerFulfilled && shippedAny && order.status !== 'Canceled'
      ? refundForm(base, context.csrf, await refundableOf(app.db, companyId, order.amazonOrderId))
      : html``,
  ];
  return html`<p>
      ${order.status} · ${order.fulfillmentChannel} · ${order.orderTotal} ${order.currency} · ship by
      ${order.latestShipDate}${order.onHold ? html` · <span class="bad">on hold: ${order.holdReason}</span>` : ''}
    </p>
    <p>${order.note}</p>
    <h2>Items</h2>
    ${table(
      ['item', 'sku', 'title', 'ordered', 'shipped', 'cancelled', 'left', 'customization'],
      items.map(
        (i) =>
          html`<tr>
            <td>${i.orderItemId}</td>
            <td>${i.sku}</td>
            <td>${i.title}</td>
            <td>${i.quantityOrdered}</td>
            <td>${i.quantityShipped}</td>
            <td>${i.quantityCancelled}</td>
            <td>${unitsLeft(i)}</td>
            <td>${i.customizationSummary}</td>
          </tr>`,
      ),
    )}
    <h2>Shipments, cancellations and refunds</h2>
    ${table(
      ['what', 'state', 'detail', 'items', 'when', "Amazon's message", ''],
      [
        ...shipments.map(
          (s) =>
            html`<tr data-shipment="${s.id}">
              <td>shipment ${s.id}</td>
              <td class="${s.state === 'rejected' ? 'bad' : ''}">${s.state}</td>
              <td>${s.carrierCode === 'Other' ? s.carrierName : s.carrierCode} ${s.trackingNumber}</td>
              <td>${itemsOf(s.items)}</td>
              <td>${s.shipDate}</td>
              <td>${s.voidReason ?? messageOf(s)}</td>
              <td></td>
            </tr>`,
        ),
        ...cancellations.map(
          (c) =>
            html`<tr data-cancellation="${c.id}">
              <td>cancellation ${c.id}</td>
              <td class="${c.state === 'rejected' ? 'bad' : ''}">${c.state}</td>
              <td>${c.reason}</td>
              <td>${itemsOf(c.items)}</td>
              <td>${c.requestedAt}</td>
              <td>${messageOf(c)}</td>
              <td></td>
            </tr>`,
        ),
        ...refunds.map(
          (r) =>
            html`<tr data-refund="${r.id}">
              <td>refund ${r.id}</td>
              <td class="${r.state === 'rejected' ? 'bad' : ''}">${r.state}</td>
              <td>${r.reason}${r.full ? ' (full)' : ''} ${r.currency}</td>
              <td>${r.items.map((i) => i.orderItemId).join(' ')}</td>
              <td>${r.requestedAt}</td>
              <td>${messageOf(r)}</td>
              <td>
                ${
                  r.state === 'requested' && r.holdUntil > now
                    ? action(`${base}/refunds/${r.id}/cancel`, 'Undo', context.csrf)
                    : ''
                }
              </td>
            </tr>`,
        ),
      ],
    )}
    ${forms}
    <h2>P&amp;L</h2>
    ${
      pnl
        ? html`<p>
              principal ${pnl.principal} · tax ${pnl.tax} · shipping ${pnl.shipping} · promotions
              ${pnl.promotions} · refunded ${pnl.refunded} ·
              <strong>net proceeds ${pnl.netProceeds}</strong> (settlements ${pnl.settlements.join(', ')})
            </p>
            ${table(
              ['fee', 'amount', 'settlement'],
              pnl.fees.map(
                (f) =>
                  html`<tr>
                    <td>${f.fee}</td>
                    <td>${f.amount}</td>
                    <td>${f.settlementId}</td>
                  </tr>`,
              ),
            )}`
        : html`<p class="muted">Not settled yet: no settlement names this order.</p>`
    }
    <h2>Timeline</h2>
    ${table(
      ['when', 'what', 'from', 'to', 'source', 'detail'],
      timeline.map(
        (e) =>
          html`<tr>
            <td>${e.occurredAt}</td>
            <td>${e.kind}</td>
            <td>${e.fromStatus}</td>
            <td>${e.toStatus}</td>
            <td>${e.source}</td>
            <td><code>${JSON.stringify(e.detail)}</code></td>
          </tr>`,
      ),
    )}`;
}
