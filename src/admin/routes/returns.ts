import { z } from 'zod';
import { recordAudit } from '../../audit/audit.repository.js';
import { getCompany } from '../../companies/companies.service.js';
import { clockOf } from '../../context.js';
import { returnInputSchema } from '../../returns/return-input.js';
import { returnAudit } from '../../returns/returns.audit.js';
import {
  addReturn,
  findReturn,
  listReturns,
  parseRmaId,
  receiveReturn,
  refundReturn,
  rmaIdOf,
} from '../../returns/returns.service.js';
import { NotFoundError } from '../../shared/errors.js';
import { actorOf, companyParams, optionalCompanyQuery } from '../deps.js';
import { idempotencyHeadersSchema, idempotent } from '../idempotency.js';
import { pageOfAll, pageQuerySchema } from '../pagination.js';
import type { AdminRoutes } from '../types.js';
import { withQueuedUpload } from './refunds.js';

const tags = ['returns'];

const rmaParams = companyParams.extend({
  rmaId: z
    .string()
    .transform((value, context) => {
      try {
        return parseRmaId(value);
      } catch {
        context.addIssue({ code: 'custom', message: 'expected an RMA id like RMA-12' });
        return z.NEVER;
      }
    })
    .describe('the return, e.g. RMA-12'),
});

/** `sellersync returns add | receive | refund | list`. */
export const returnRoutes: AdminRoutes = (server, deps) => {
  const { app } = deps;
  const now = clockOf(app);

  const returnOf = async (companyId: number, id: number) => {
    await getCompany(app.db, companyId);
    const found = await findReturn(app.db, companyId, id);
    if (!found) throw new NotFoundError(`return ${rmaIdOf(id)} is not known for company ${companyId}`);
    return found;
  };

  server.post(
    '/api/companies/:companyId/returns',
    {
      schema: {
        summary: 'authorize a return of shipped units of a seller-fulfilled order',
        tags,
        params: companyParams,
        body: returnInputSchema,
      },
    },
    async (request, reply) => {
      const company = await getCompany(app.db, request.params.companyId);
      const authorized = await addReturn(app.db, company, request.body, now());
      await recordAudit(app.db, actorOf(request), returnAudit('return.add', authorized));
      return reply.code(201).send(authorized);
    },
  );

  server.get(
    '/api/returns',
    {
      schema: {
        summary: 'returns with their state and refund-by deadline, oldest first',
        tags,
        querystring: pageQuerySchema.extend(optionalCompanyQuery.shape).extend({
          open: z
            .enum(['true', 'false'], { error: 'expected true or false' })
            .optional()
            .describe('only returns not closed yet'),
        }),
      },
    },
    async (request) => {
      const { company, open } = request.query;
      if (company !== undefined) await getCompany(app.db, company);
      return pageOfAll(request.query, () =>
        listReturns(app.db, {
          ...(company !== undefined ? { companyId: company } : {}),
          open: open === 'true',
        }),
      );
    },
  );

  server.post(
    '/api/companies/:companyId/returns/:rmaId/receive',
    {
      schema: {
        summary: 'the returned units arrived: the refund is due within 2 business days',
        tags,
        params: rmaParams,
      },
    },
    async (request) => {
      const { companyId, rmaId } = request.params;
      await returnOf(companyId, rmaId);
      const received = await receiveReturn(app.db, rmaId, now());
      await recordAudit(app.db, actorOf(request), returnAudit('return.receive', received));
      return received;
    },
  );

  server.post(
    '/api/companies/:companyId/returns/:rmaId/refund',
    {
      schema: {
        summary: 'refund a received return: the returned units’ principal and tax, less a restocking fee',
        description:
          'The refund is held for REFUND_HOLD_MINUTES like any other. Send an `Idempotency-Key` header: the same key twice refunds once.',
        tags,
        params: rmaParams,
        headers: idempotencyHeadersSchema,
        body: z
          .object({
            restockingFee: z
              .string()
              .regex(/^\d{1,12}(\.\d{1,4})?$/, { error: 'expected a positive amount, e.g. 5.00' })
              .optional()
              .describe('charge the buyer this restocking fee, in the order’s currency'),
          })
          .strict()
          .default({}),
      },
    },
    async (request, reply) => {
      const { companyId, rmaId } = request.params;
      await returnOf(companyId, rmaId);
      const company = await getCompany(app.db, companyId);
      const { restockingFee } = request.body;
      const at = now();
      return idempotent(app.db, request, reply, at, {
        work: async (tx) => {
          const done = await refundReturn(
            tx,
            company,
            rmaId,
            restockingFee !== undefined ? { restockingFee } : {},
            app.config.refunds,
            at,
          );
          const refundId = done.refund.refund.id;
          await recordAudit(tx, actorOf(request), returnAudit('return.refund', done.return, { refundId }));
          return { status: 201, body: { ...done, queued: false } };
        },
        afterCommit: (answer) =>
          withQueuedUpload(deps, company.id, answer.body.refund.refund.holdUntil, answer),
      });
    },
  );
};
