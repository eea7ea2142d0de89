import { z } from 'zod';
import { listAudit } from '../../audit/audit.repository.js';
import { currentCancelRate } from '../../cancellations/current-cancel-rate.js';
import { getCompany } from '../../companies/companies.service.js';
import { findFeed, listFeedMessages, listFeeds } from '../../feeds/feeds.repository.js';
import { fulfillmentMetrics } from '../../fulfillment/metrics.js';
import { NotFoundError } from '../../shared/errors.js';
import { FEED_KINDS } from '../../wiring.js';
import { companyParams, optionalCompanyQuery } from '../deps.js';
import { pageOf, pageOfAll, pageQuerySchema } from '../pagination.js';
import type { AdminRoutes } from '../types.js';
import { clockOf } from '../../context.js';

/** Account health, feeds with their per-message results, and the audit log. */
export const activityRoutes: AdminRoutes = (server, { app }) => {
  server.get(
    '/api/companies/:companyId/account-health',
    {
      schema: {
        summary:
          "late shipment, valid tracking and pre-fulfilment cancel rates beside Amazon's targets (4 %, 95 %, 2.5 %), and orders at risk",
        tags: ['account health'],
        params: companyParams,
      },
    },
    async (request) => {
      const company = await getCompany(app.db, request.params.companyId);
      const now = clockOf(app)();
      return {
        companyId: company.id,
        marketplaces: await fulfillmentMetrics(
          app.db,
          company.id,
          company.marketplaceIds,
          app.config.orders.atRiskHours,
          now,
        ),
        cancelRate: { windowDays: 7, ...(await currentCancelRate(app.db, company.id, now)) },
      };
    },
  );

  server.get(
    '/api/companies/:companyId/feeds',
    {
      schema: {
        summary: 'feeds sent to Amazon, newest first',
        tags: ['feeds'],
        params: companyParams,
        querystring: pageQuerySchema.extend({
          kind: z
            .string()
            .regex(/^[a-z]+(-[a-z]+)*$/, { error: 'expected a feed kind, e.g. order-fulfillment' })
            .optional()
            .describe(
              `one of ${FEED_KINDS.list()
                .map((k) => k.kind)
                .join(', ')}`,
            ),
        }),
      },
    },
    async (request) => {
      const { companyId } = request.params;
      await getCompany(app.db, companyId);
      const { kind } = request.query;
      return pageOfAll(request.query, async () =>
        (await listFeeds(app.db, companyId, { ...(kind ? { kind } : {}), limit: 100_000 })).reverse(),
      );
    },
  );

  server.get(
    '/api/companies/:companyId/feeds/:feedId',
    {
      schema: {
        summary: "one feed with Amazon's result for each of its messages",
        tags: ['feeds'],
        params: companyParams.extend({ feedId: companyParams.shape.companyId }),
      },
    },
    async (request) => {
      const { companyId, feedId } = request.params;
      const feed = await findFeed(app.db, feedId);
      if (!feed || feed.companyId !== companyId)
        throw new NotFoundError(`feed ${feedId} not found for company ${companyId}`);
      const messages = (await listFeedMessages(app.db, feedId)).map((m) => ({
        messageId: m.message_id,
        entityKind: m.entity_kind,
        entityId: m.entity_id,
        result: m.result,
        resultCode: m.result_code,
        resultDescription: m.result_description,
      }));
      return { ...feed, messages };
    },
  );

  server.get(
    '/api/audit',
    {
      schema: {
        summary: 'every change made through the API, the console or the CLI, newest first',
        tags: ['audit'],
        querystring: pageQuerySchema.extend(optionalCompanyQuery.shape),
      },
    },
    async (request) => {
      const { company } = request.query;
      return pageOf(request.query, (offset, limit) =>
        listAudit(app.db, { companyId: company, offset, limit }),
      );
    },
  );
};
