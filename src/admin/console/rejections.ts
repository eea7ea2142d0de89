import type { FastifyInstance } from 'fastify';
import { recordAudit } from '../../audit/audit.repository.js';
import { releaseCancellation, requeueCancellation } from '../../cancellations/cancellations.resolve.js';
import { listCancellations } from '../../cancellations/cancellations.repository.js';
import { getCompany } from '../../companies/companies.service.js';
import { fulfillmentShipmentGuard } from '../../fulfillment/cancellation-guard.js';
import { listShipments } from '../../fulfillment/shipments.repository.js';
import { requeueShipments } from '../../fulfillment/shipments.service.js';
import { enqueueManualRun } from '../../jobs/queues.js';
import { listRefunds } from '../../refunds/refunds.repository.js';
import { UsageError } from '../../shared/errors.js';
import { actorOf } from '../deps.js';
import { html, type Html } from '../html.js';
import { action, table } from './layout.js';

import { field, hidden, idParam, type ConsoleContext } from './http.js';
import { clockOf } from '../../context.js';

/**
 * What Amazon refused, with its message: a rejected shipment or cancellation can be sent again (after
 * fixing what Amazon said) or, for a cancellation, given up; a rejected refund is final, a new one is asked.
 */
export async function rejectionsSection(context: ConsoleContext, companyId: number): Promise<Html> {
  const { db } = context.deps.app;
  const shipments = await listShipments(db, companyId, { states: ['rejected'] });
  const cancellations = await listCancellations(db, companyId, { states: ['rejected'] });
  const refunds = await listRefunds(db, companyId, { states: ['rejected'] });
  const base = `/console/companies/${companyId}`;
  const orderLink = (id: string) => html`<a href="${base}/orders/${id}">${id}</a>`;
  const row = (what: string, id: number, amazonOrderId: string, message: string, buttons: Html) =>
    html`<tr data-rejected="${what}-${id}">
      <td>${what} ${id}</td>
      <td>${orderLink(amazonOrderId)}</td>
      <td>${message}</td>
      <td>${buttons}</td>
    </tr>`;
  const messageOf = ({
    resultCode,
    resultMessage,
  }: {
    resultCode: string | null;
    resultMessage: string | null;
  }) =>
    resultCode && !resultMessage?.startsWith(resultCode)
      ? `${resultCode}: ${resultMessage ?? ''}`
      : (resultMessage ?? '');
  const resend = (kind: string, id: number, label: string) =>
    action(`${base}/rejected/${kind}/${id}`, label, context.csrf, {
      decision: label === 'Release' ? 'release' : 'requeue',
    });
  return html`<h3>Rejected by Amazon</h3>
    ${table(
      ['what', 'order', "Amazon's message", ''],
      [
        ...shipments.map((s) =>
          row('shipment', s.id, s.amazonOrderId, messageOf(s), resend('shipment', s.id, 'Requeue')),
        ),
        ...cancellations.map((c) =>
          row(
            'cancellation',
            c.id,
            c.amazonOrderId,
            messageOf(c),
            html`${resend('cancellation', c.id, 'Requeue')} ${resend('cancellation', c.id, 'Release')}`,
          ),
        ),
        ...refunds.map((r) =>
          row(
            'refund',
            r.id,
            r.amazonOrderId,
            messageOf(r),
            html`<span class="muted">final: refund again from the order</span>`,
          ),
        ),
      ],
    )}`;
}

export function rejectionActions(server: FastifyInstance, { deps }: ConsoleContext): void {
  const { app } = deps;
  // The scheduled upload is the safety net when the queue cannot be reached.
  const queueCancellationUpload = async (companyId: number) => {
    const queues = deps.queues();
    if (queues) await enqueueManualRun(queues, 'cancellation-upload', companyId).catch(() => undefined);
  };
  server.post('/console/companies/:companyId/rejected/:kind/:id', hidden, async (request, reply) => {
    const companyId = idParam(request);
    const { kind } = request.params as { kind: string };
    const id = Number((request.params as { id: string }).id);
    if (!Number.isInteger(id) || id <= 0) throw new UsageError('expected an id', { field: 'id' });
    const decision = field(request, 'decision');
    await getCompany(app.db, companyId);
    if (kind === 'shipment' && decision === 'requeue') {
      await requeueShipments(app.db, companyId, [id]);
      await recordAudit(app.db, actorOf(request), {
        action: 'shipment.requeue',
        companyId,
        detail: { shipmentIds: [id] },
      });
    } else if (kind === 'cancellation' && (decision === 'requeue' || decision === 'release')) {
      if (decision === 'requeue') {
        await requeueCancellation(app.db, fulfillmentShipmentGuard, companyId, id, clockOf(app)());
        await queueCancellationUpload(companyId);
      } else {
        await releaseCancellation(app.db, companyId, id, clockOf(app)());
      }
      await recordAudit(app.db, actorOf(request), {
        action: `cancellation.${decision}`,
        companyId,
        detail: { cancellationId: id },
      });
    } else {
      throw new UsageError(`cannot ${decision} a rejected ${kind}`);
    }
    return reply.redirect('/console/attention', 303);
  });
}
