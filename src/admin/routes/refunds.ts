import { z } from 'zod';
import { recordAudit } from '../../audit/audit.repository.js';
import { getCompany } from '../../companies/companies.service.js';
import { amazonOrderIdSchema } from '../../fulfillment/shipment-input.js';
import { enqueueDelayedRun, enqueueManualRun } from '../../jobs/queues.js';
import { refundInputSchema } from '../../refunds/refund-input.js';
import { listRefunds } from '../../refunds/refunds.repository.js';
import { cancelRefund, refundableOf, requestRefund } from '../../refunds/refunds.service.js';
import { REFUND_STATES } from '../../refunds/refunds.table.js';
import { actorOf, companyParams } from '../deps.js';
import { idempotencyHeadersSchema, idempotent, type Answer } from '../idempotency.js';
import { pageOfAll, pageQuerySchema } from '../pagination.js';
import { sentBody } from '../request-body.js';
import type { AdminDeps, AdminRoutes } from '../types.js';
import { clockOf } from '../../context.js';

const tags = ['refunds'];

/** Queues the refund upload for when the hold ends; the scheduled upload is the safety net. */
export async function queueRefundUpload(
  deps: AdminDeps,
  companyId: number,
  holdUntil: Date,
): Promise<boolean> {
  const queues = deps.queues();
  if (!queues) return false;
  const delayMs = holdUntil.getTime() - clockOf(deps.app)().getTime();
  const queued =
    delayMs > 0
      ? enqueueDelayedRun(queues, 'refund-upload', companyId, delayMs)
      : enqueueManualRun(queues, 'refund-upload', companyId);
  return queued.then(
    () => true,
    () => false,
  );
}

/** A refund's answer with its upload queued: after the commit, so that the upload finds the refund. */
export async function withQueuedUpload<Body extends object>(
  deps: AdminDeps,
  companyId: number,
  holdUntil: Date,
  answer: Answer<Body>,
): Promise<Answer<Body & { queued: boolean }>> {
  const queued = await queueRefundUpload(deps, companyId, holdUntil);
  return { ...answer, body: { ...answer.body, queued } };
}

/** `sellersync orders refund | refundable`, `refunds list | cancel`. */
export const refundRoutes: AdminRoutes = (server, deps) => {
  const { app } = deps;

  server.post(
    '/api/companies/:companyId/refunds',
    {
      schema: {
        summary: 'refund a shipped seller-fulfilled order, in full or per line and component',
        description:
          'Held for REFUND_HOLD_MINUTES, during which it can be cancelled. Send an `Idempotency-Key` header: the same key twice refunds once.',
        tags,
        params: companyParams,
        headers: idempotencyHeadersSchema,
        body: refundInputSchema,
      },
    },
    async (request, reply) => {
      const company = await getCompany(app.db, request.params.companyId);
      const now = clockOf(app)();
      return idempotent(app.db, request, reply, now, {
        work: async (tx) => {
          const requested = await requestRefund(tx, company, sentBody(request), app.config.refunds, now);
          const { refund } = requested;
          await recordAudit(tx, actorOf(request), {
            action: 'order.refund',
            companyId: company.id,
            amazonOrderId: refund.amazonOrderId,
            detail: {
              refundId: refund.id,
              reason: refund.reason,
              full: refund.full,
              currency: refund.currency,
            },
          });
          return { status: 201, body: { ...requested, queued: false } };
        },
        afterCommit: (answer) => withQueuedUpload(deps, company.id, answer.body.refund.holdUntil, answer),
      });
    },
  );

  server.get(
    '/api/companies/:companyId/refunds',
    {
      schema: {
        summary: 'refunds with their state, oldest first',
        tags,
        params: companyParams,
        querystring: pageQuerySchema.extend({
          state: z.enum(REFUND_STATES, { error: `expected one of ${REFUND_STATES.join(', ')}` }).optional(),
        }),
      },
    },
    async (request) => {
      const { companyId } = request.params;
      await getCompany(app.db, companyId);
      const { state } = request.query;
      return pageOfAll(request.query, () => listRefunds(app.db, companyId, state ? { states: [state] } : {}));
    },
  );

  server.get(
    '/api/companies/:companyId/orders/:amazonOrderId/refundable',
    {
      schema: {
        summary: 'what is left to refund of an order, per line and component',
        tags,
        params: companyParams.extend({ amazonOrderId: amazonOrderIdSchema }),
      },
    },
    async (request) => {
      const { companyId, amazonOrderId } = request.params;
      await getCompany(app.db, companyId);
      return refundableOf(app.db, companyId, amazonOrderId);
    },
  );

  server.post(
    '/api/companies/:companyId/refunds/:refundId/cancel',
    {
      schema: {
        summary: 'undo a refund still in its hold: it is never sent',
        tags,
        params: companyParams.extend({ refundId: companyParams.shape.companyId }),
      },
    },
    async (request) => {
      const { companyId, refundId } = request.params;
      await getCompany(app.db, companyId);
      const refund = await cancelRefund(app.db, companyId, refundId, clockOf(app)());
      await recordAudit(app.db, actorOf(request), {
        action: 'refund.cancel',
        companyId,
        amazonOrderId: refund.amazonOrderId,
        detail: { refundId },
      });
      return refund;
    },
  );
};
