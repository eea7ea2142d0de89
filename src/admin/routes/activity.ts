import { z } from 'zod';
import { listAudit } from '../../audit/audit.repository.js';
import { currentCancelRate } from '../../cancellations/current-cancel-rate.js';
import { getCompany } from '../../companies/companies.service.js';
import { showFeed } from '../../feeds/feed-details.js';
import { listFeeds } from '../../feeds/feeds.repository.js';
import { fulfillmentMetrics } from '../../fulfillment/metrics.js';
import { FEED_KINDS } from '../../wiring.js';
import { companyParams, optionalCompanyQuery } from '../deps.js';
import { pageOf, pageQuerySchema } from '../pagination.js';
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
      return pageOf(request.query, async (offset, count) =>
        (
          await listFeeds(app.db, companyId, {
            ...(kind ? { kind } : {}),
            newestFirst: true,
            limit: offset + count,
          })
        ).slice(offset),
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
    async (request) => showFeed(app.db, request.params.companyId, request.params.feedId),
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
