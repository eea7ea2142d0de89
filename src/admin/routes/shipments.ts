import { z } from 'zod';
import { recordAudit } from '../../audit/audit.repository.js';
import { getCompany } from '../../companies/companies.service.js';
import { getDefaultShipFrom, setDefaultShipFrom } from '../../fulfillment/ship-from.js';
import { shipFromSchema, shipmentInputSchema } from '../../fulfillment/shipment-input.js';
import { listShipments } from '../../fulfillment/shipments.repository.js';
import { recordShipment, requeueShipments } from '../../fulfillment/shipments.service.js';
import { SHIPMENT_STATES } from '../../fulfillment/shipments.table.js';
import { actorOf, companyParams } from '../deps.js';
import { idempotencyHeadersSchema, idempotent } from '../idempotency.js';
import { pageOfAll, pageQuerySchema } from '../pagination.js';
import { sentBody } from '../request-body.js';
import type { AdminRoutes } from '../types.js';
import { clockOf } from '../../context.js';

const tags = ['shipments'];

const stateList = z
  .string()
  .transform((value) => value.split(',').map((s) => s.trim()))
  .refine((values) => values.every((s) => (SHIPMENT_STATES as readonly string[]).includes(s)), {
    error: `expected comma-separated states among ${SHIPMENT_STATES.join(', ')}`,
  })
  .transform((values) => values as (typeof SHIPMENT_STATES)[number][]);

/** Shipments: `sellersync ship`, `shipments list | requeue | ship-from`. */
export const shipmentRoutes: AdminRoutes = (server, { app }) => {
  server.post(
    '/api/companies/:companyId/shipments',
    {
      schema: {
        summary: 'record a shipment (one package) of a seller-fulfilled order; the upload confirms it',
        description: 'Send an `Idempotency-Key` header: the same key twice records the shipment once.',
        tags,
        params: companyParams,
        headers: idempotencyHeadersSchema,
        body: shipmentInputSchema,
      },
    },
    async (request, reply) => {
      const { companyId } = request.params;
      const company = await getCompany(app.db, companyId);
      const now = clockOf(app)();
      return idempotent(app.db, request, reply, now, {
        work: async (tx) => {
          const shipment = await recordShipment(tx, companyId, sentBody(request), now);
          await recordAudit(tx, actorOf(request), {
            action: 'shipment.record',
            companyId,
            amazonOrderId: shipment.amazonOrderId,
            detail: { shipmentId: shipment.id, carrier: shipment.carrierCode, items: shipment.items.length },
          });
          const notes = company.allowFulfillmentUpload
            ? []
            : [
                `fulfillment upload is off for company ${companyId}: this shipment is not uploaded until it is on`,
              ];
          return { status: 201, body: { shipment, notes } };
        },
      });
    },
  );

  server.get(
    '/api/companies/:companyId/shipments',
    {
      schema: {
        summary: 'recorded shipments, oldest first; problems=true: the rejected and voided ones to fix',
        tags,
        params: companyParams,
        querystring: pageQuerySchema.extend({
          state: stateList.optional().describe(`comma-separated: ${SHIPMENT_STATES.join(', ')}`),
          problems: z.enum(['true', 'false'], { error: 'expected true or false' }).optional(),
          order: z.string().min(1).max(40).optional().describe('only this Amazon order id'),
        }),
      },
    },
    async (request) => {
      const { companyId } = request.params;
      const { state, problems, order } = request.query;
      await getCompany(app.db, companyId);
      const states = problems === 'true' ? (['rejected', 'voided'] as const) : state;
      return pageOfAll(request.query, () =>
        listShipments(app.db, companyId, {
          ...(states ? { states } : {}),
          ...(order ? { amazonOrderIds: [order] } : {}),
        }),
      );
    },
  );

  server.post(
    '/api/companies/:companyId/shipments/requeue',
    {
      schema: {
        summary: 'send rejected shipments again with the next upload, after fixing what Amazon reported',
        tags,
        params: companyParams,
        body: z
          .object({
            ids: z
              .array(z.number().int().positive({ error: 'expected a shipment id' }))
              .min(1, { error: 'at least one shipment id' }),
          })
          .strict(),
      },
    },
    async (request) => {
      const { companyId } = request.params;
      await getCompany(app.db, companyId);
      const requeued = await requeueShipments(app.db, companyId, request.body.ids);
      await recordAudit(app.db, actorOf(request), {
        action: 'shipment.requeue',
        companyId,
        detail: { shipmentIds: requeued },
      });
      return { requeued };
    },
  );

  server.get(
    '/api/companies/:companyId/ship-from',
    { schema: { summary: "the company's default ship-from address", tags, params: companyParams } },
    async (request) => {
      await getCompany(app.db, request.params.companyId);
      return getDefaultShipFrom(app.db, request.params.companyId);
    },
  );

  server.put(
    '/api/companies/:companyId/ship-from',
    {
      schema: {
        summary: "set the company's default ship-from address (the fields given)",
        tags,
        params: companyParams,
        body: shipFromSchema,
      },
    },
    async (request) => {
      const { companyId } = request.params;
      await getCompany(app.db, companyId);
      const address = await setDefaultShipFrom(app.db, companyId, request.body);
      await recordAudit(app.db, actorOf(request), {
        action: 'company.ship-from',
        companyId,
        detail: { fields: Object.keys(request.body) },
      });
      return address;
    },
  );
};
