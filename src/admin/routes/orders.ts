import { z } from 'zod';
import { getCompany } from '../../companies/companies.service.js';
import { listDownloadProblems } from '../../orders/download-problems.repository.js';
import { clockOf } from '../../context.js';
import { listAtRiskWork, showOrderStories } from '../../order-story.js';
import { listOrders } from '../../orders/orders.queries.js';
import {
  FULFILLMENT_CHANNELS,
  ORDER_STATUSES,
  ORDER_SUBTYPES,
  type OrderStatus,
} from '../../orders/orders.table.js';
import { parseInstant } from '../../shared/dates.js';
import { NotFoundError } from '../../shared/errors.js';
import { amazonOrderIdSchema } from '../../fulfillment/shipment-input.js';
import { companyParams, optionalCompanyQuery } from '../deps.js';
import { pageOf, pageOfAll, pageQuerySchema } from '../pagination.js';
import type { AdminRoutes } from '../types.js';

const tags = ['orders'];

const instant = z.string().transform((value, context) => {
  try {
    return parseInstant(value).date;
  } catch (err) {
    context.addIssue({ code: 'custom', message: (err as Error).message });
    return z.NEVER;
  }
});

const statusList = z
  .string()
  .transform((value) => value.split(',').map((s) => s.trim()))
  .refine((values) => values.every((s) => (ORDER_STATUSES as readonly string[]).includes(s)), {
    error: `expected comma-separated statuses among ${ORDER_STATUSES.join(', ')}`,
  })
  .transform((values) => values as OrderStatus[]);

const yesNo = z.enum(['true', 'false'], { error: 'expected true or false' }).transform((v) => v === 'true');

const hours = z.coerce
  .number()
  .int({ error: 'expected whole hours from 1 to 720' })
  .min(1, { error: 'expected whole hours from 1 to 720' })
  .max(720, { error: 'expected whole hours from 1 to 720' });

const orderSearchSchema = pageQuerySchema.extend(optionalCompanyQuery.shape).extend({
  status: statusList.optional().describe(`comma-separated: ${ORDER_STATUSES.join(', ')}`),
  subtype: z.enum(ORDER_SUBTYPES, { error: `expected one of ${ORDER_SUBTYPES.join(', ')}` }).optional(),
  channel: z.enum(FULFILLMENT_CHANNELS, { error: 'expected AFN or MFN' }).optional(),
  from: instant.optional().describe('purchased on or after (ISO 8601; a time needs its zone)'),
  to: instant.optional().describe('purchased before'),
  onHold: yesNo.optional().describe('only orders on hold (true) or not (false)'),
  atRiskHours: hours
    .optional()
    .describe('only seller-fulfilled orders still to ship, late or due within these hours'),
});

const orderParams = companyParams.extend({ amazonOrderId: amazonOrderIdSchema });

/** Orders: `sellersync orders list | show | at-risk | problems`. */
export const orderRoutes: AdminRoutes = (server, { app }) => {
  server.get(
    '/api/orders',
    {
      schema: {
        summary: 'search downloaded orders, newest purchase first (soonest ship-by first with atRiskHours)',
        tags,
        querystring: orderSearchSchema,
      },
    },
    async (request) => {
      const q = request.query;
      if (q.company !== undefined) await getCompany(app.db, q.company);
      return pageOf(q, (offset, limit) =>
        listOrders(
          app.db,
          {
            companyId: q.company,
            statuses: q.status,
            subtype: q.subtype,
            fulfillmentChannel: q.channel,
            from: q.from,
            to: q.to,
            onHold: q.onHold,
            atRiskHours: q.atRiskHours,
            offset,
            limit,
          },
          clockOf(app)(),
        ),
      );
    },
  );

  server.get(
    '/api/orders/at-risk',
    {
      schema: {
        summary:
          'seller-fulfilled orders late or due to ship within the hours, buyer cancellation requests near their respond-by and received returns near their refund-by deadline, soonest first',
        tags,
        querystring: pageQuerySchema.extend(optionalCompanyQuery.shape).extend({
          hours: hours.optional().describe('hours ahead (default ORDER_AT_RISK_HOURS)'),
        }),
      },
    },
    async (request) => {
      const { company, hours: within } = request.query;
      if (company !== undefined) await getCompany(app.db, company);
      const hoursAhead = within ?? app.config.orders.atRiskHours;
      return pageOf(request.query, async (offset, limit) =>
        (await listAtRiskWork(app.db, company, hoursAhead, offset + limit, clockOf(app)())).slice(offset),
      );
    },
  );

  server.get(
    '/api/orders/problems',
    {
      schema: {
        summary: 'orders the download could not read, map or store, set aside and retried',
        tags,
        querystring: pageQuerySchema.extend(optionalCompanyQuery.shape).extend({
          all: yesNo.optional().describe('also the resolved ones'),
        }),
      },
    },
    async (request) => {
      const { company, all } = request.query;
      if (company !== undefined) await getCompany(app.db, company);
      return pageOfAll(request.query, () =>
        listDownloadProblems(app.db, { companyId: company, includeResolved: all ?? false }),
      );
    },
  );

  server.get(
    '/api/companies/:companyId/orders/:amazonOrderId',
    {
      schema: {
        summary:
          'one order with its items, note, flags, payment status and timeline (downloads, cancellations, zeroed SKUs, refunds, settlement lines)',
        tags,
        params: orderParams,
        querystring: z.object({
          buyerData: yesNo
            .optional()
            .describe('also the buyer and recipient (decrypted), to fulfil the order'),
        }),
      },
    },
    async (request) => {
      const { companyId, amazonOrderId } = request.params;
      await getCompany(app.db, companyId);
      const found = await showOrderStories(
        app.db,
        app.config.keyring,
        amazonOrderId,
        request.query.buyerData ?? false,
      );
      const details = found.find((d) => d.order.companyId === companyId);
      if (!details)
        throw new NotFoundError(`order ${amazonOrderId} has not been downloaded for company ${companyId}`);
      return details;
    },
  );
};
