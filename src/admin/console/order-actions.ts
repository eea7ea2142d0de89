import type { FastifyInstance, FastifyRequest } from 'fastify';
import { recordAudit } from '../../audit/audit.repository.js';
import { describeCancelRate } from '../../cancellations/cancel-rate.js';
import { requestCancellation } from '../../cancellations/cancellations.service.js';
import { getCompany } from '../../companies/companies.service.js';
import { clockOf } from '../../context.js';
import { fulfillmentShipmentGuard } from '../../fulfillment/cancellation-guard.js';
import { recordShipment } from '../../fulfillment/shipments.service.js';
import { enqueueDelayedRun, enqueueManualRun } from '../../jobs/queues.js';
import { cancelRefund, requestRefund } from '../../refunds/refunds.service.js';
import { UsageError } from '../../shared/errors.js';
import { actorOf } from '../deps.js';
import { html } from '../html.js';
import type { AdminDeps } from '../types.js';
import { doOnce } from './form-once.js';
import { page } from './layout.js';

import { hidden, idParam, send, type ConsoleContext } from './http.js';

/** Ship, cancel and refund from an order's page, through the same services and guardrails as the CLI. */

type Body = Record<string, unknown>;

function text(body: Body, name: string): string | undefined {
  const value = body[name];
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
}

/** The form's `<prefix><order item id>` fields that were filled in, as numbers (the service checks them). */
function quantities(body: Body, prefix: string): { orderItemId: string; quantity: number }[] {
  return Object.keys(body)
    .filter((name) => name.startsWith(prefix) && text(body, name) !== undefined)
    .map((name) => ({ orderItemId: name.slice(prefix.length), quantity: Number(text(body, name)) }));
}

export function shipmentInputOf(body: Body, amazonOrderId: string): Body {
  // A ship date left empty is now, on Amazon's clock (recordShipment).
  const optional = Object.fromEntries(
    (['carrierName', 'shippingMethod', 'shipDate'] as const).flatMap((name) => {
      const value = text(body, name);
      return value === undefined ? [] : [[name, value]];
    }),
  );
  return {
    amazonOrderId,
    carrier: text(body, 'carrier') ?? '',
    trackingNumber: text(body, 'trackingNumber') ?? '',
    ...optional,
    items: quantities(body, 'ship_').filter((item) => item.quantity !== 0),
  };
}

export function cancellationInputOf(body: Body, amazonOrderId: string): Body {
  const items = quantities(body, 'cancel_').filter((item) => item.quantity !== 0);
  return {
    amazonOrderId,
    reason: text(body, 'reason'),
    ...(items.length > 0 ? { items } : {}),
    zeroInventory: body.zeroInventory === 'on',
    force: body.force === 'on',
  };
}

export function refundInputOf(body: Body, amazonOrderId: string): Body {
  const byItem = new Map<string, { component: string; amount: string }[]>();
  for (const name of Object.keys(body)) {
    const amount = text(body, name);
    if (!name.startsWith('refund_') || amount === undefined) continue;
    const [orderItemId, component] = [
      name.slice(7, name.lastIndexOf('_')),
      name.slice(name.lastIndexOf('_') + 1),
    ];
    byItem.set(orderItemId, [...(byItem.get(orderItemId) ?? []), { component, amount }]);
  }
  return {
    amazonOrderId,
    reason: text(body, 'reason'),
    full: body.full === 'on',
    items: [...byItem].map(([orderItemId, components]) => ({ orderItemId, components })),
  };
}

/** Queues the upload at once (or when a refund's hold ends); the scheduled upload is the safety net. */
async function queueUpload(
  deps: AdminDeps,
  kind: 'cancellation-upload' | 'refund-upload',
  companyId: number,
  at?: Date,
) {
  const queues = deps.queues();
  if (!queues) return false;
  const delayMs = at ? at.getTime() - clockOf(deps.app)().getTime() : 0;
  const queued =
    delayMs > 0
      ? enqueueDelayedRun(queues, kind, companyId, delayMs)
      : enqueueManualRun(queues, kind, companyId);
  return queued.then(
    () => true,
    () => false,
  );
}

function done(orderPath: string, title: string, notes: string[]) {
  return page(
    title,
    html`${notes.filter(Boolean).map((note) => html`<p class="notice">${note}</p>`)}
      <p><a href="${orderPath}">Back to the order</a></p>`,
  );
}

function orderOf(request: FastifyRequest) {
  const companyId = idParam(request);
  const { amazonOrderId } = request.params as { amazonOrderId: string };
  return { companyId, amazonOrderId, path: `/console/companies/${companyId}/orders/${amazonOrderId}` };
}

export function orderActions(server: FastifyInstance, { deps }: ConsoleContext): void {
  const { app } = deps;
  const now = clockOf(app);
  const route = '/console/companies/:companyId/orders/:amazonOrderId';

  server.post(`${route}/ship`, hidden, async (request, reply) => {
    const { companyId, amazonOrderId, path } = orderOf(request);
    const company = await getCompany(app.db, companyId);
    const at = now();
    const shipment = await doOnce(app.db, request, at, async (tx) => {
      const input = shipmentInputOf(request.body as Body, amazonOrderId);
      const recorded = await recordShipment(tx, companyId, input, at);
      await recordAudit(tx, actorOf(request), {
        action: 'shipment.record',
        companyId,
        amazonOrderId,
        detail: { shipmentId: recorded.id, carrier: recorded.carrierCode, items: recorded.items.length },
      });
      return recorded;
    });
    return send(
      reply,
      done(path, `Shipment ${shipment.id} recorded`, [
        `shipment ${shipment.id} of order ${amazonOrderId} recorded, pending upload (ship date ${shipment.shipDate.toISOString()})`,
        company.allowFulfillmentUpload
          ? ''
          : `fulfillment upload is off for company ${companyId}: this shipment is not uploaded until it is on`,
      ]),
    );
  });

  server.post(`${route}/cancel`, hidden, async (request, reply) => {
    const { companyId, amazonOrderId, path } = orderOf(request);
    const company = await getCompany(app.db, companyId);
    const at = now();
    const requested = await doOnce(app.db, request, at, async (tx) => {
      const input = cancellationInputOf(request.body as Body, amazonOrderId);
      const result = await requestCancellation(tx, fulfillmentShipmentGuard, company, input, at);
      const { cancellation } = result;
      await recordAudit(tx, actorOf(request), {
        action: 'order.cancel',
        companyId,
        amazonOrderId,
        detail: {
          cancellationId: cancellation.id,
          reason: cancellation.reason,
          items: cancellation.items.map((i) => `${i.orderItemId}x${i.quantity}`),
        },
      });
      return result;
    });
    const { cancellation } = requested;
    const queued = await queueUpload(deps, 'cancellation-upload', companyId);
    return send(
      reply,
      done(path, `Cancellation ${cancellation.id} requested`, [
        `cancellation ${cancellation.id} of order ${amazonOrderId} requested (${cancellation.reason}): ` +
          cancellation.items.map((i) => `${i.orderItemId}x${i.quantity}`).join(' '),
        describeCancelRate(requested.cancelRate),
        ...requested.warnings.map((w) => `warning: ${w}`),
        requested.voidedShipments > 0
          ? `${requested.voidedShipments} shipment(s) waiting for upload voided`
          : '',
        requested.zeroings > 0 ? `${requested.zeroings} SKU(s) to be set to quantity 0 on Amazon` : '',
        queued ? 'queued for the cancellation upload' : 'the next scheduled cancellation upload sends it',
      ]),
    );
  });

  server.post(`${route}/refund`, hidden, async (request, reply) => {
    const { companyId, amazonOrderId, path } = orderOf(request);
    const company = await getCompany(app.db, companyId);
    const at = now();
    const requested = await doOnce(app.db, request, at, async (tx) => {
      const input = refundInputOf(request.body as Body, amazonOrderId);
      const result = await requestRefund(tx, company, input, app.config.refunds, at);
      const { refund } = result;
      await recordAudit(tx, actorOf(request), {
        action: 'order.refund',
        companyId,
        amazonOrderId,
        detail: { refundId: refund.id, reason: refund.reason, full: refund.full, currency: refund.currency },
      });
      return result;
    });
    const { refund } = requested;
    const queued = await queueUpload(deps, 'refund-upload', companyId, refund.holdUntil);
    return send(
      reply,
      done(path, `Refund ${refund.id} requested`, [
        `refund ${refund.id} of order ${amazonOrderId} requested (${refund.reason}); ${requested.left} ${refund.currency} left to refund`,
        `held until ${refund.holdUntil.toISOString()}: it can be undone until then on the order's page`,
        queued
          ? 'queued for the refund upload when the hold ends'
          : 'the next scheduled refund upload sends it',
      ]),
    );
  });

  server.post(`${route}/refunds/:refundId/cancel`, hidden, async (request, reply) => {
    const { companyId, path } = orderOf(request);
    const refundId = Number((request.params as { refundId: string }).refundId);
    if (!Number.isInteger(refundId) || refundId <= 0)
      throw new UsageError('expected a refund id', { field: 'refundId' });
    const refund = await cancelRefund(app.db, companyId, refundId, now());
    await recordAudit(app.db, actorOf(request), {
      action: 'refund.cancel',
      companyId,
      amazonOrderId: refund.amazonOrderId,
      detail: { refundId },
    });
    return reply.redirect(path, 303);
  });
}
