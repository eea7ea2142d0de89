import type { FastifyInstance } from 'fastify';
import { listCompanies } from '../../companies/companies.service.js';
import { findFeed, listFeedMessages, listFeeds, type Feed } from '../../feeds/feeds.repository.js';
import { queueOverview } from '../../jobs/queue-overview.js';
import { UsageError } from '../../shared/errors.js';
import { html } from '../html.js';
import { page, table } from './layout.js';

import { hidden, idParam, send, type ConsoleContext } from './http.js';

const RECENT_FEEDS = 50;

function summaryOf(feed: Feed): string {
  const s = feed.summary;
  if (!s) return '';
  return `${s.messagesProcessed ?? '?'} processed, ${s.messagesSuccessful ?? '?'} ok, ${s.messagesWithError ?? '?'} with error, ${s.messagesWithWarning ?? '?'} with warning`;
}

/** Feeds sent to Amazon with Amazon's result per message, and the BullMQ queues. */
export function feedPages(server: FastifyInstance, { deps }: ConsoleContext): void {
  const { app } = deps;
  server.get('/console/feeds', hidden, async (_request, reply) => {
    const sections = await Promise.all(
      (await listCompanies(app.db)).map(async (c) => {
        const feeds = await listFeeds(app.db, c.id, { limit: RECENT_FEEDS, newestFirst: true });
        return html`<h2>${c.name}</h2>
          ${table(
            [
              'feed',
              'kind',
              'state',
              'messages',
              'Amazon feed',
              'Amazon status',
              'summary',
              'created',
              'finished',
              'error',
            ],
            feeds.map(
              (f) =>
                html`<tr data-feed="${f.id}">
                  <td><a href="/console/companies/${c.id}/feeds/${f.id}">${f.id}</a></td>
                  <td>${f.kind}</td>
                  <td class="${f.state === 'fatal' || f.state === 'refused' ? 'bad' : ''}">${f.state}</td>
                  <td>${f.messageCount}</td>
                  <td>${f.amazonFeedId}</td>
                  <td>${f.amazonStatus}</td>
                  <td>${summaryOf(f)}</td>
                  <td>${f.createdAt}</td>
                  <td>${f.finishedAt}</td>
                  <td>${f.error}</td>
                </tr>`,
            ),
          )}`;
      }),
    );
    return send(reply, page('Feeds', html`${sections}`));
  });

  server.get('/console/companies/:companyId/feeds/:feedId', hidden, async (request, reply) => {
    const companyId = idParam(request);
    const feedId = Number((request.params as { feedId: string }).feedId);
    const feed = Number.isInteger(feedId) ? await findFeed(app.db, feedId) : undefined;
    if (!feed || feed.companyId !== companyId)
      throw new UsageError(`feed ${feedId} not found for company ${companyId}`);
    const messages = await listFeedMessages(app.db, feed.id);
    return send(
      reply,
      page(
        `Feed ${feed.id}`,
        html`<p>
            ${feed.kind} (${feed.feedType}) · ${feed.state} · Amazon feed ${feed.amazonFeedId ?? 'not yet'}
            ${feed.amazonStatus ?? ''} · ${summaryOf(feed)}
          </p>
          ${feed.error ? html`<p class="error">${feed.error}</p>` : ''}
          ${table(
            ['message', 'what', 'result', 'code', "Amazon's description"],
            messages.map(
              (m) =>
                html`<tr data-message="${m.message_id}">
                  <td>${m.message_id}</td>
                  <td>${m.entity_kind} ${m.entity_id}</td>
                  <td class="${m.result === 'rejected' ? 'bad' : ''}">${m.result ?? 'pending'}</td>
                  <td>${m.result_code}</td>
                  <td>${m.result_description}</td>
                </tr>`,
            ),
          )}`,
      ),
    );
  });

  server.get('/console/queues', hidden, async (_request, reply) => {
    const queues = deps.queues();
    if (!queues) throw new UsageError('the job queues are not open yet; try again in a moment');
    const overview = await queueOverview(queues);
    const states = Object.keys(overview[0]?.counts ?? {});
    return send(
      reply,
      page(
        'Queues',
        html`${table(
            ['queue', ...states],
            overview.map(
              (q) =>
                html`<tr data-queue="${q.kind}">
                  <td>${q.kind}</td>
                  ${Object.values(q.counts).map((n) => html`<td>${n}</td>`)}
                </tr>`,
            ),
          )}
          <h2>Delayed jobs</h2>
          ${table(
            ['queue', 'job', 'company', 'trigger', 'runs at'],
            overview.flatMap((q) =>
              q.delayed.map(
                (j) =>
                  html`<tr>
                    <td>${q.kind}</td>
                    <td>${j.id}</td>
                    <td>${j.companyId}</td>
                    <td>${j.trigger}</td>
                    <td>${j.runsAt}</td>
                  </tr>`,
              ),
            ),
          )}
          <h2>Last failed jobs</h2>
          ${table(
            ['queue', 'job', 'company', 'failed at', 'reason'],
            overview.flatMap((q) =>
              q.failed.map(
                (j) =>
                  html`<tr>
                    <td>${q.kind}</td>
                    <td>${j.id}</td>
                    <td>${j.companyId}</td>
                    <td>${j.failedAt}</td>
                    <td>${j.reason}</td>
                  </tr>`,
              ),
            ),
          )}`,
      ),
    );
  });
}
