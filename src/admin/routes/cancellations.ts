import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { recordAudit } from '../../audit/audit.repository.js';
import { cancellationInputSchema } from '../../cancellations/cancellation-input.js';
import { listCancellations } from '../../cancellations/cancellations.repository.js';
import { releaseCancellation, requeueCancellation } from '../../cancellations/cancellations.resolve.js';
import { declineCancelRequest, requestCancellation } from '../../cancellations/cancellations.service.js';
import { CANCELLATION_STATES } from '../../cancellations/cancellations.table.js';
import { getCompany, type Company } from '../../companies/companies.service.js';
import { clockOf } from '../../context.js';
import { fulfillmentShipmentGuard } from '../../fulfillment/cancellation-guard.js';
import { amazonOrderIdSchema } from '../../fulfillment/shipment-input.js';
import { listZeroings } from '../../inventory/zeroings.repository.js';
import { enqueueManualRun } from '../../jobs/queues.js';
import { listOpenCancelRequests } from '../../orders/orders.cancelling.js';
import { actorOf, companyParams } from '../deps.js';
import { idempotencyHeadersSchema, idempotent } from '../idempotency.js';
import { pageOfAll, pageQuerySchema } from '../pagination.js';
import { sentBody } from '../request-body.js';
import type { AdminDeps, AdminRoutes } from '../types.js';

const tags = ['cancellations'];
const requestParams = companyParams.extend({ amazonOrderId: amazonOrderIdSchema });

const cancellationParams = companyParams.extend({ cancellationId: companyParams.shape.companyId });

/** Queues a cancellation upload now; false when the queues are not open (the scheduled upload sends it). */
async function queueCancellationUpload(deps: AdminDeps, companyId: number): Promise<boolean> {
  const queues = deps.queues();
  if (!queues) return false;
  return enqueueManualRun(queues, 'cancellation-upload', companyId).then(
    () => true,
    () => false,
  );
}

/**
 * Records the cancellation, once per idempotency key, and queues the cancellation upload at once; the
 * scheduled upload is the safety net when the queues are not open (as with `sellersync orders cancel`).
 */
async function cancelOnce(
  deps: AdminDeps,
  request: FastifyRequest,
  reply: FastifyReply,
  company: Company,
  action: string,
  input: unknown,
) {
  const { db } = deps.app;
  const now = clockOf(deps.app)();
  return idempotent(db, request, reply, now, {
    work: async (tx) => {
      const requested = await requestCancellation(tx, fulfillmentShipmentGuard, company, input, now);
      const { cancellation } = requested;
      await recordAudit(tx, actorOf(request), {
        action,
        companyId: company.id,
        amazonOrderId: cancellation.amazonOrderId,
        detail: {
          cancellationId: cancellation.id,
          reason: cancellation.reason,
          items: cancellation.items.map((i) => `${i.orderItemId}x${i.quantity}`),
        },
      });
      return { status: 201, body: { ...requested, queued: false } };
    },
    // After the commit, so that the upload finds the cancellation.
    afterCommit: async (answer) => ({
      ...answer,
      body: { ...answer.body, queued: await queueCancellationUpload(deps, company.id) },
    }),
  });
}

/**
 * `sellersync orders cancel | cancel-requests | decline-cancel`, `cancellations list | requeue | release`,
 * `inventory zeroed`.
 */
export const cancellationRoutes: AdminRoutes = (server, deps) => {
  const { app } = deps;

  server.post(
    '/api/companies/:companyId/cancellations',
    {
      schema: {
        summary:
          'cancel a seller-fulfilled order, or some of its lines or units, with one of Amazon’s reasons',
        description: 'Send an `Idempotency-Key` header: the same key twice cancels once.',
        tags,
        params: companyParams,
        headers: idempotencyHeadersSchema,
        body: cancellationInputSchema,
      },
    },
    async (request, reply) => {
      const company = await getCompany(app.db, request.params.companyId);
      return cancelOnce(deps, request, reply, company, 'order.cancel', sentBody(request));
    },
  );

  server.get(
    '/api/companies/:companyId/cancellations',
    {
      schema: {
        summary: 'cancellations with their state and the feed that carried them, oldest first',
        tags,
        params: companyParams,
        querystring: pageQuerySchema.extend({
          state: z
            .enum(CANCELLATION_STATES, { error: `expected one of ${CANCELLATION_STATES.join(', ')}` })
            .optional(),
        }),
      },
    },
    async (request) => {
      const { companyId } = request.params;
      await getCompany(app.db, companyId);
      const { state } = request.query;
      return pageOfAll(request.query, () =>
        listCancellations(app.db, companyId, state ? { states: [state] } : {}),
      );
    },
  );

  server.post(
    '/api/companies/:companyId/cancellations/:cancellationId/requeue',
    {
      schema: {
        summary: 'send a cancellation Amazon rejected again, with the next cancellation upload',
        description: 'Its units stay held. Only a rejected cancellation can be re-queued.',
        tags,
        params: cancellationParams,
      },
    },
    async (request) => {
      const { companyId, cancellationId } = request.params;
      await getCompany(app.db, companyId);
      const cancellation = await requeueCancellation(
        app.db,
        fulfillmentShipmentGuard,
        companyId,
        cancellationId,
        clockOf(app)(),
      );
      await recordAudit(app.db, actorOf(request), {
        action: 'cancellation.requeue',
        companyId,
        amazonOrderId: cancellation.amazonOrderId,
        detail: { cancellationId },
      });
      return { cancellation, queued: await queueCancellationUpload(deps, companyId) };
    },
  );

  server.post(
    '/api/companies/:companyId/cancellations/:cancellationId/release',
    {
      schema: {
        summary: 'give up a cancellation Amazon rejected: its units can be shipped again',
        description:
          'A released BuyerCanceled that accepted a buyer’s request opens the request again (buyerRequestReopened).',
        tags,
        params: cancellationParams,
      },
    },
    async (request) => {
      const { companyId, cancellationId } = request.params;
      await getCompany(app.db, companyId);
      const released = await releaseCancellation(app.db, companyId, cancellationId, clockOf(app)());
      await recordAudit(app.db, actorOf(request), {
        action: 'cancellation.release',
        companyId,
        amazonOrderId: released.cancellation.amazonOrderId,
        detail: { cancellationId },
      });
      return released;
    },
  );

  server.get(
    '/api/companies/:companyId/cancel-requests',
    {
      schema: {
        summary: 'open buyer cancellation requests, the soonest respond-by first',
        tags,
        params: companyParams,
        querystring: pageQuerySchema,
      },
    },
    async (request) => {
      const { companyId } = request.params;
      await getCompany(app.db, companyId);
      return pageOfAll(request.query, () => listOpenCancelRequests(app.db, companyId));
    },
  );

  server.post(
    '/api/companies/:companyId/cancel-requests/:amazonOrderId/accept',
    {
      schema: {
        summary: 'accept a buyer cancellation request: cancel the whole order with BuyerCanceled',
        description: 'Send an `Idempotency-Key` header: the same key twice cancels once.',
        tags,
        params: requestParams,
        headers: idempotencyHeadersSchema,
      },
    },
    async (request, reply) => {
      const { companyId, amazonOrderId } = request.params;
      const company = await getCompany(app.db, companyId);
      return cancelOnce(deps, request, reply, company, 'cancel-request.accept', {
        amazonOrderId,
        reason: 'BuyerCanceled',
      });
    },
  );

  server.post(
    '/api/companies/:companyId/cancel-requests/:amazonOrderId/decline',
    {
      schema: {
        summary: 'keep the order the buyer asked to cancel: the hold is released and it ships normally',
        tags,
        params: requestParams,
      },
    },
    async (request) => {
      const { companyId, amazonOrderId } = request.params;
      await getCompany(app.db, companyId);
      const outcome = await declineCancelRequest(app.db, companyId, amazonOrderId, clockOf(app)());
      await recordAudit(app.db, actorOf(request), {
        action: 'cancel-request.decline',
        companyId,
        amazonOrderId,
      });
      return outcome;
    },
  );

  server.get(
    '/api/companies/:companyId/inventory/zeroed',
    {
      schema: {
        summary: 'SKUs set to quantity 0 on Amazon after NoInventory cancellations, newest first',
        tags,
        params: companyParams,
        querystring: pageQuerySchema,
      },
    },
    async (request) => {
      const { companyId } = request.params;
      await getCompany(app.db, companyId);
      return pageOfAll(request.query, () => listZeroings(app.db, companyId));
    },
  );
};
