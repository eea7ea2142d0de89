import type { FastifyInstance } from 'fastify';
import { recordAudit } from '../../audit/audit.repository.js';
import { getCompany, listCompanies, updateCompany } from '../../companies/companies.service.js';
import { lastRunPerKind, listRuns, type JobRun } from '../../jobs/job-runs.repository.js';
import { isJobKind, JOB_KINDS, type JobKind } from '../../jobs/kinds.js';
import { runJob } from '../../jobs/run-job.js';
import { listSchedules, reconcileCompanySchedules, type ScheduleView } from '../../jobs/schedules.js';
import { UsageError } from '../../shared/errors.js';
import { actorOf } from '../deps.js';
import { html, type Html } from '../html.js';
import { action, page, table } from './layout.js';

import { field, hidden, idParam, send, type ConsoleContext } from './http.js';

const TOGGLES = {
  allowOrderDownload: 'download',
  allowFulfillmentUpload: 'upload',
  allowCheckoutByAmazonOrders: 'checkout by Amazon',
  zeroInventoryOnNoStockCancel: 'zero inventory on no stock',
} as const;
type Toggle = keyof typeof TOGGLES;

const RUN_NOW_LABELS: Partial<Record<JobKind, string>> = {
  'order-download': 'Download orders now',
  'fulfillment-upload': 'Upload shipments now',
};

/** Each job kind of a company: its last run, its next scheduled run, a button to run it now. */
function jobsTable(
  companyId: number,
  lastRuns: Map<JobKind, JobRun>,
  schedules: ScheduleView[],
  csrf: string,
  queuesOpen: boolean,
): Html {
  return html`<table class="jobs">
    ${JOB_KINDS.map((kind) => {
      const last = lastRuns.get(kind);
      const next = schedules.find((s) => s.kind === kind);
      return html`<tr data-kind="${kind}">
        <td>${kind}</td>
        <td class="${last?.status === 'failed' ? 'bad' : ''}">
          ${last ? html`${last.status} <span class="muted">${last.startedAt}</span>` : 'never'}
        </td>
        <td>
          ${next ? html`${next.next ?? 'due'} <span class="muted">every ${next.everyMinutes} min</span>` : queuesOpen ? 'not scheduled' : ''}
        </td>
        <td>
          ${action(`/console/companies/${companyId}/run`, RUN_NOW_LABELS[kind] ?? 'Run now', csrf, { kind })}
        </td>
      </tr>`;
    })}
  </table>`;
}

/** Companies with their toggles, each job kind's last and next run and run-now buttons, and the runs. */
export function companyPages(server: FastifyInstance, { deps, csrf }: ConsoleContext): void {
  const { app } = deps;
  server.get('/console', hidden, async (_request, reply) => {
    const companies = await listCompanies(app.db);
    const queues = deps.queues();
    const schedules = queues ? await listSchedules(queues) : [];
    const rows = await Promise.all(
      companies.map(async (c) => {
        const toggles = (Object.keys(TOGGLES) as Toggle[]).map(
          (t) =>
            html`<div>
              ${TOGGLES[t]}:
              <strong data-toggle="${t}">${c[t] ? 'on' : 'off'}</strong>
              ${action(`/console/companies/${c.id}/toggle`, c[t] ? 'switch off' : 'switch on', csrf, { setting: t, value: c[t] ? 'off' : 'on' })}
            </div>`,
        );
        const jobs = jobsTable(
          c.id,
          await lastRunPerKind(app.db, c.id),
          schedules.filter((s) => s.companyId === c.id),
          csrf,
          queues !== undefined,
        );
        return html`<tr data-company="${c.id}">
          <td>${c.id}</td>
          <td>${c.name}</td>
          <td>${c.sellerId}</td>
          <td>${c.authStatus}</td>
          <td>${toggles}</td>
          <td>${jobs}</td>
        </tr>`;
      }),
    );
    return send(
      reply,
      page(
        'Companies',
        table(['id', 'name', 'seller', 'auth', 'toggles', 'jobs: last run, next run, run now'], rows),
      ),
    );
  });

  server.post('/console/companies/:companyId/toggle', hidden, async (request, reply) => {
    const companyId = idParam(request);
    const setting = field(request, 'setting');
    if (!(setting in TOGGLES)) throw new UsageError(`unknown setting ${setting}`);
    const changes = { [setting]: field(request, 'value') === 'on' };
    const changed = await updateCompany(app.db, app.config.keyring, companyId, changes);
    const queues = deps.queues();
    if (queues) await reconcileCompanySchedules(queues, changed);
    await recordAudit(app.db, actorOf(request), { action: 'company.set', companyId, detail: changes });
    return reply.redirect('/console', 303);
  });

  server.post('/console/companies/:companyId/run', hidden, async (request, reply) => {
    const companyId = idParam(request);
    const kind = field(request, 'kind');
    if (!isJobKind(kind)) throw new UsageError(`unknown job kind ${kind}`);
    await getCompany(app.db, companyId);
    const queues = deps.queues();
    if (!queues) throw new UsageError('the job queues are not open yet; try again in a moment');
    await recordAudit(app.db, actorOf(request), {
      action: 'run',
      companyId,
      detail: { kind, queued: false },
    });
    await runJob(app, queues, deps.handlers, { kind, companyId, trigger: 'manual' });
    return reply.redirect(`/console/runs?company=${companyId}`, 303);
  });

  server.get('/console/runs', hidden, async (request, reply) => {
    const company = Number((request.query as { company?: string }).company) || undefined;
    const runs = await listRuns(app.db, { companyId: company, limit: 50 });
    return send(
      reply,
      page(
        'Runs',
        html`<table>
          <tr>
            <th>id</th>
            <th>company</th>
            <th>kind</th>
            <th>trigger</th>
            <th>status</th>
            <th>started</th>
            <th>finished</th>
            <th>counts</th>
            <th>error</th>
          </tr>
          ${runs.map(
            (r) =>
              html`<tr>
                <td>${r.id}</td>
                <td>${r.companyId}</td>
                <td>${r.kind}</td>
                <td>${r.trigger}</td>
                <td class="${r.status === 'failed' ? 'bad' : ''}">${r.status}</td>
                <td>${r.startedAt}</td>
                <td>${r.finishedAt}</td>
                <td><code>${JSON.stringify(r.counts)}</code></td>
                <td>${r.error}</td>
              </tr>`,
          )}
        </table>`,
      ),
    );
  });
}
