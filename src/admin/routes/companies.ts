import { z } from 'zod';
import { describeChanges, recordAudit } from '../../audit/audit.repository.js';
import {
  createCompany,
  getCompany,
  getMaskedCredentials,
  listCompanies,
  removeCompany,
  updateCompany,
  validateNewCompany,
} from '../../companies/companies.service.js';
import { verifyNewCompanyCredentials } from '../../companies/companies.verify.js';
import {
  companyChangesSchema,
  CREDENTIAL_FIELDS,
  newCompanySchema,
} from '../../companies/companies.schema.js';
import { listOperationProblems } from '../../companies/operation-problems.repository.js';
import { reconcileCompanySchedules, removeCompanySchedules } from '../../jobs/schedules.js';
import { actorOf, companyParams } from '../deps.js';
import { pageOfAll, pageQuerySchema } from '../pagination.js';
import { sentBody } from '../request-body.js';
import type { AdminRoutes } from '../types.js';

const tags = ['companies'];

/** Companies: the same services as `sellersync company …`, schedules reconciled after each change. */
export const companyRoutes: AdminRoutes = (server, deps) => {
  const { app } = deps;
  const reconcile = async (work: (queues: NonNullable<ReturnType<typeof deps.queues>>) => Promise<void>) => {
    // Without the queues yet, the daemon's periodic reconciliation brings the schedules in line.
    const queues = deps.queues();
    if (queues) await work(queues);
  };

  server.get(
    '/api/companies',
    { schema: { summary: 'list companies (no secrets)', tags, querystring: pageQuerySchema } },
    async (request) => pageOfAll(request.query, () => listCompanies(app.db)),
  );

  server.post(
    '/api/companies',
    {
      schema: {
        summary: 'add a company (credentials stored encrypted)',
        description:
          'It is `unverified` until Amazon first accepts its token. With `verify=true` the refresh token is exchanged first: refused by Amazon, 400 naming the credential and nothing added; no verdict from Amazon, 502 and nothing added; accepted, the company is added `active`.',
        tags,
        querystring: z.object({
          verify: z
            .enum(['true', 'false'], { error: 'expected true or false' })
            .optional()
            .describe('exchange the refresh token with Amazon first; add the company only if it works'),
        }),
        body: newCompanySchema,
      },
    },
    async (request, reply) => {
      const given = sentBody(request) as Record<string, unknown>;
      const verified = request.query.verify === 'true';
      if (verified) {
        await verifyNewCompanyCredentials(validateNewCompany(given), {
          lwaClientSecret: 'body.lwaClientSecret',
          refreshToken: 'body.refreshToken',
        });
      }
      const created = await createCompany(app.db, app.config.keyring, given, { verified });
      await reconcile((queues) => reconcileCompanySchedules(queues, created));
      await recordAudit(app.db, actorOf(request), {
        action: 'company.add',
        companyId: created.id,
        detail: describeChanges(given, CREDENTIAL_FIELDS),
      });
      return reply.code(201).send(created);
    },
  );

  server.get(
    '/api/companies/:companyId',
    {
      schema: {
        summary: 'one company with its masked credentials and the operations Amazon refuses it',
        tags,
        params: companyParams,
      },
    },
    async (request) => {
      const { companyId } = request.params;
      return {
        ...(await getCompany(app.db, companyId)),
        credentials: await getMaskedCredentials(app.db, app.config.keyring, companyId),
        operationProblems: await listOperationProblems(app.db, companyId),
      };
    },
  );

  server.patch(
    '/api/companies/:companyId',
    {
      schema: {
        summary: 'change settings, toggles, intervals or credentials',
        tags,
        params: companyParams,
        body: companyChangesSchema,
      },
    },
    async (request) => {
      const given = sentBody(request) as Record<string, unknown>;
      const changed = await updateCompany(app.db, app.config.keyring, request.params.companyId, given);
      await reconcile((queues) => reconcileCompanySchedules(queues, changed));
      await recordAudit(app.db, actorOf(request), {
        action: 'company.set',
        companyId: changed.id,
        detail: describeChanges(given, CREDENTIAL_FIELDS),
      });
      return changed;
    },
  );

  server.delete(
    '/api/companies/:companyId',
    {
      schema: {
        summary: 'remove a company, its schedules and its run history',
        tags,
        params: companyParams,
      },
    },
    async (request) => {
      const { companyId } = request.params;
      await removeCompany(app.db, companyId);
      await reconcile((queues) => removeCompanySchedules(queues, companyId));
      await recordAudit(app.db, actorOf(request), { action: 'company.remove', companyId });
      return { removed: companyId };
    },
  );
};
