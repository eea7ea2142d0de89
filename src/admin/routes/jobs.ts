import { z } from 'zod';
import { recordAudit } from '../../audit/audit.repository.js';
import { getCompany } from '../../companies/companies.service.js';
import { listRuns } from '../../jobs/job-runs.repository.js';
import { RUN_STATUSES } from '../../jobs/job-runs.table.js';
import { JOB_KINDS } from '../../jobs/kinds.js';
import { enqueueManualRun } from '../../jobs/queues.js';
import { runJob, summarizeOutcome } from '../../jobs/run-job.js';
import { listSchedules } from '../../jobs/schedules.js';
import { actorOf, companyParams, optionalCompanyQuery, requireQueues } from '../deps.js';
import { pageOf, pageOfAll, pageQuerySchema } from '../pagination.js';
import type { AdminRoutes } from '../types.js';

const tags = ['runs'];
const kindSchema = z.enum(JOB_KINDS, { error: `expected one of ${JOB_KINDS.join(', ')}` });

const runNowSchema = z
  .object({
    kind: kindSchema,
    queue: z
      .boolean()
      .default(false)
      .describe(
        'true: queue it for a worker and answer 202 at once; false: run it now and answer how it ended',
      ),
  })
  .strict();

/** Manual runs, the run history and the schedules: `sellersync run`, `runs` and `schedules`. */
export const jobRoutes: AdminRoutes = (server, deps) => {
  const { app } = deps;

  server.get(
    '/api/runs',
    {
      schema: {
        summary: 'the run history, newest first',
        tags,
        querystring: pageQuerySchema.extend(optionalCompanyQuery.shape).extend({
          kind: kindSchema.optional(),
          status: z.enum(RUN_STATUSES, { error: `expected one of ${RUN_STATUSES.join(', ')}` }).optional(),
        }),
      },
    },
    async (request) => {
      const { company, kind, status } = request.query;
      if (company !== undefined) await getCompany(app.db, company);
      return pageOf(request.query, (offset, limit) =>
        listRuns(app.db, { companyId: company, kind, status, offset, limit }),
      );
    },
  );

  server.post(
    '/api/companies/:companyId/runs',
    {
      schema: {
        summary: 'run one job now, through the worker’s own handler, recorded in the run history',
        description:
          'A run already in progress for the company and kind makes this one `skipped` (coalesced). With `queue: true` a worker runs it.',
        tags,
        params: companyParams,
        body: runNowSchema,
      },
    },
    async (request, reply) => {
      const { companyId } = request.params;
      const { kind, queue } = request.body;
      await getCompany(app.db, companyId);
      const queues = requireQueues(deps);
      await recordAudit(app.db, actorOf(request), {
        action: 'run',
        companyId,
        detail: { kind, queued: queue },
      });
      if (queue) {
        const jobId = await enqueueManualRun(queues, kind, companyId);
        return reply.code(202).send({ queued: true, jobId });
      }
      const outcome = await runJob(app, queues, deps.handlers, { kind, companyId, trigger: 'manual' });
      return summarizeOutcome(outcome);
    },
  );

  server.get(
    '/api/schedules',
    {
      schema: {
        summary: 'the job schedules held in Redis',
        tags,
        querystring: pageQuerySchema.extend(optionalCompanyQuery.shape),
      },
    },
    async (request) => {
      const queues = requireQueues(deps);
      const { company } = request.query;
      return pageOfAll(request.query, async () =>
        (await listSchedules(queues)).filter((s) => company === undefined || s.companyId === company),
      );
    },
  );
};
