import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import { Gauge, Registry } from 'prom-client';
import { currentCancelRate } from '../cancellations/current-cancel-rate.js';
import { listCompanies } from '../companies/companies.service.js';
import { countMessageResults } from '../feeds/feeds.repository.js';
import { fulfillmentMetrics, type RateFigure } from '../fulfillment/metrics.js';
import { JOB_KINDS } from '../jobs/kinds.js';
import { countOrdersByStatus } from '../orders/orders.queries.js';
import { countOpenDiscrepancies, DISCREPANCY_KINDS } from '../settlements/discrepancies.repository.js';
import { metricsRegistry } from '../shared/metrics.js';
import type { AdminDeps } from './types.js';
import { clockOf } from '../context.js';

const QUEUE_STATES = ['waiting', 'active', 'delayed', 'failed', 'prioritized'] as const;

/**
 * Figures read at scrape time from Postgres (the same for every replica) and Redis, beside the
 * process's own counters: queue depths, stored orders, feed message results, open settlement
 * discrepancies, and each company's account-health rates.
 */
function storeGauges(deps: AdminDeps, registry: Registry): void {
  const { db, config } = deps.app;
  new Gauge({
    name: 'sellersync_queue_jobs',
    help: 'Jobs in each queue, by state (waiting, active, delayed, failed, prioritized)',
    labelNames: ['queue', 'state'],
    registers: [registry],
    async collect() {
      this.reset();
      const queues = deps.queues();
      if (!queues) return;
      for (const kind of JOB_KINDS) {
        const counts = await queues[kind].getJobCounts(...QUEUE_STATES);
        for (const state of QUEUE_STATES) this.set({ queue: kind, state }, counts[state] ?? 0);
      }
    },
  });
  new Gauge({
    name: 'sellersync_orders_stored',
    help: 'Orders stored, by company and status',
    labelNames: ['company_id', 'status'],
    registers: [registry],
    async collect() {
      this.reset();
      for (const row of await countOrdersByStatus(db))
        this.set({ company_id: row.companyId, status: row.status }, row.count);
    },
  });
  new Gauge({
    name: 'sellersync_feed_messages',
    help: "Feed messages by feed kind and Amazon's result (pending: not answered yet)",
    labelNames: ['kind', 'result'],
    registers: [registry],
    async collect() {
      this.reset();
      for (const row of await countMessageResults(db))
        this.set({ kind: row.kind, result: row.result ?? 'pending' }, row.count);
    },
  });
  new Gauge({
    name: 'sellersync_account_health_rate',
    help: 'Account-health rates per company and marketplace (late shipment 10/30 days, valid tracking 30 days, pre-fulfilment cancel 7 days), 0-1',
    labelNames: ['company_id', 'marketplace_id', 'metric'],
    registers: [registry],
    async collect() {
      this.reset();
      const setRate = (labels: Record<string, string | number>, figure: RateFigure) => {
        if (figure.rate !== null) this.set(labels, figure.rate);
      };
      const now = clockOf(deps.app)();
      for (const company of await listCompanies(db)) {
        const company_id = company.id;
        const figures = await fulfillmentMetrics(
          db,
          company.id,
          company.marketplaceIds,
          config.orders.atRiskHours,
          now,
        );
        for (const m of figures) {
          const marketplace_id = m.marketplaceId;
          for (const lsr of m.lateShipmentRate)
            setRate({ company_id, marketplace_id, metric: `late_shipment_${lsr.windowDays}d` }, lsr);
          setRate({ company_id, marketplace_id, metric: 'valid_tracking_30d' }, m.validTrackingRate);
        }
        const cancel = await currentCancelRate(db, company.id, now);
        this.set({ company_id, marketplace_id: 'all', metric: 'cancel_7d' }, cancel.rate);
      }
    },
  });
  new Gauge({
    name: 'sellersync_settlement_discrepancies_open',
    help: 'Settlement reconciliation discrepancies not resolved yet, by company and kind',
    labelNames: ['company_id', 'kind'],
    registers: [registry],
    async collect() {
      this.reset();
      // Every kind of every company, 0 when none is open: a series that drops to 0 does not vanish.
      for (const company of await listCompanies(db))
        for (const kind of DISCREPANCY_KINDS) this.set({ company_id: company.id, kind }, 0);
      for (const row of await countOpenDiscrepancies(db))
        this.set({ company_id: row.companyId, kind: row.kind }, row.count);
    },
  });
  new Gauge({
    name: 'sellersync_companies',
    help: 'Companies, by authorization status',
    labelNames: ['auth_status'],
    registers: [registry],
    async collect() {
      this.reset();
      for (const company of await listCompanies(db)) this.inc({ auth_status: company.authStatus });
    },
  });
}

/** The registry `/metrics` answers from: the process's counters and the scrape-time figures. */
export function adminMetrics(deps: AdminDeps): Registry {
  const own = new Registry();
  storeGauges(deps, own);
  return Registry.merge([metricsRegistry, own]);
}

/** `GET /metrics` in Prometheus's text format; hidden from the OpenAPI document (it is not JSON). */
export function registerMetricsRoute(server: FastifyInstance, deps: AdminDeps): void {
  const registry = adminMetrics(deps);
  server.get('/metrics', { schema: { hide: true } }, async (_request, reply) =>
    reply.type(registry.contentType).send(await registry.metrics()),
  );
}

/** `/metrics` alone, without the token, for METRICS_PORT (a port kept to the monitoring network). */
export async function createMetricsServer(deps: AdminDeps): Promise<FastifyInstance> {
  const server = Fastify({
    loggerInstance: deps.app.logger as FastifyBaseLogger,
    forceCloseConnections: true,
  });
  registerMetricsRoute(server, deps);
  await server.ready();
  return server;
}
