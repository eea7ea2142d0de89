import { z } from 'zod';
import { MINUTE } from '../clock.js';
import { faultSchema, STICKY_FAULT_KINDS, stickyFaultSchema, visibilityLagSchema } from '../faults.js';
import { createOrder } from '../generator.js';
import { orderSpecSchema } from '../types.js';
import { invalidInput, json, notFound, parseBody, route, type Route, type SimRequest } from '../http.js';
import { amazonRefund } from '../lifecycle.js';
import { cancelOrder, OrderRefusal, requestBuyerCancel } from '../order-actions.js';
import { orderView } from '../orders-view.js';
import { recordDefectSchema } from '../record-defects.js';
import { closeSettlementPeriods, reissueSettlementReport } from '../settlement.js';
import type { Simulation } from '../simulation.js';
import { isOperation } from '../usage-plans.js';
import { reportView } from './reports.js';

/** The inspection and control API under /_sim/, a path Amazon does not use. */

const ALL_DATA = new Set(['BUYER', 'RECIPIENT', 'PROCEEDS', 'FULFILLMENT', 'PACKAGES', 'CANCELLATION']);

function state(sim: Simulation) {
  const now = sim.now();
  return json(200, {
    now: now.toISOString(),
    timeScale: sim.clock.timeScale,
    seed: sim.seed,
    ordersPerHour: sim.settings.ordersPerHour,
    sellers: [...sim.store.sellers.values()].map(({ sellerId, marketplaceId }) => ({
      sellerId,
      marketplaceId,
    })),
    counts: {
      orders: sim.store.orders.size,
      reports: sim.store.reports.size,
      feeds: sim.store.feeds.size,
      requests: sim.store.requests.length,
    },
  });
}

function controlOrder(sim: Simulation, request: SimRequest) {
  sim.now();
  const order = sim.store.orders.get(request.params.orderId ?? '');
  if (!order) throw notFound(`Order ${request.params.orderId ?? ''} was not found.`);
  return order;
}

function orderAction(action: (sim: Simulation, request: SimRequest) => void) {
  return (sim: Simulation, request: SimRequest) => {
    try {
      action(sim, request);
    } catch (err) {
      if (err instanceof OrderRefusal) throw invalidInput(err.message);
      throw err;
    }
    return json(200, { order: orderView(controlOrder(sim, request), ALL_DATA, sim.baseUrl) });
  };
}

const reasonSchema = z.object({ reason: z.string().min(1).max(200).optional() }).strict();

function reasonOf(request: SimRequest): string | undefined {
  return request.body.length > 0 ? parseBody(request, reasonSchema).reason : undefined;
}

const sellerSchema = z
  .object({
    sellerId: z.string().regex(/^[A-Z0-9]{5,20}$/),
    clientId: z.string().min(1),
    clientSecret: z.string().min(1),
    refreshToken: z.string().min(1),
    marketplaceId: z.string().min(1).default('ATVPDKIKX0DER'),
    currency: z.string().length(3).default('USD'),
  })
  .strict();

const generatorSchema = z
  .object({
    ordersPerHour: z.number().min(0).max(10_000).optional(),
    mix: z.record(z.string(), z.number().min(0).max(1)).optional(),
  })
  .strict();

function setGenerator(sim: Simulation, request: SimRequest) {
  const body = parseBody(request, generatorSchema);
  if (body.ordersPerHour !== undefined) sim.settings.ordersPerHour = body.ordersPerHour;
  for (const [key, value] of Object.entries(body.mix ?? {})) {
    if (!(key in sim.settings.mix)) throw invalidInput(`Unknown mix trait ${key}.`);
    sim.settings.mix[key as keyof typeof sim.settings.mix] = value;
  }
  return json(200, { ordersPerHour: sim.settings.ordersPerHour, mix: sim.settings.mix });
}

function addFault(sim: Simulation, request: SimRequest) {
  const { kind } = parseBody(request, z.object({ kind: z.string() }).loose());
  if (kind === 'late-visible') {
    sim.faults.visibilityLagMs = parseBody(request, visibilityLagSchema).lagMs;
  } else if ((STICKY_FAULT_KINDS as readonly string[]).includes(kind)) {
    const sticky = parseBody(request, stickyFaultSchema);
    sim.faults.addSticky(sticky.kind, sticky.count);
  } else {
    sim.faults.add(parseBody(request, faultSchema));
  }
  return json(201, sim.faults.list());
}

function setRateLimit(sim: Simulation, request: SimRequest) {
  const operation = request.params.operation ?? '';
  if (!isOperation(operation)) throw invalidInput(`Unknown operation ${operation}.`);
  const plan = parseBody(
    request,
    z.object({ rate: z.number().positive(), burst: z.number().int().min(1) }).strict(),
  );
  sim.limiter.override(operation, plan);
  return json(200, { operation, ...plan });
}

export const controlRoutes: Route[] = [
  route('GET', '/_sim/state', 'control', 'state', state),
  route('GET', '/_sim/orders', 'control', 'listOrders', (sim) => {
    sim.now();
    return json(200, {
      orders: [...sim.store.orders.values()].map((order) => orderView(order, ALL_DATA, sim.baseUrl)),
    });
  }),
  route('POST', '/_sim/orders', 'control', 'createOrder', (sim, request) => {
    const now = sim.now();
    const orderId = createOrder(sim, parseBody(request, orderSpecSchema), now);
    return json(201, {
      order: orderView(controlOrder(sim, { ...request, params: { orderId } }), ALL_DATA, sim.baseUrl),
    });
  }),
  route('GET', '/_sim/orders/{orderId}', 'control', 'getOrder', (sim, request) => {
    const order = controlOrder(sim, request);
    return json(200, {
      order: orderView(order, ALL_DATA, sim.baseUrl),
      refunds: order.items.map((item) => ({
        orderItemId: item.orderItemId,
        refundedComponents: item.refundedComponents ?? {},
      })),
    });
  }),
  route(
    'POST',
    '/_sim/orders/{orderId}/cancel',
    'control',
    'amazonCancel',
    orderAction((sim, request) =>
      cancelOrder(
        controlOrder(sim, request),
        'AMAZON',
        reasonOf(request) ?? 'Cancelled by Amazon',
        sim.now(),
      ),
    ),
  ),
  route(
    'POST',
    '/_sim/orders/{orderId}/buyer-cancel-request',
    'control',
    'buyerCancelRequest',
    orderAction((sim, request) =>
      requestBuyerCancel(
        controlOrder(sim, request),
        reasonOf(request) ?? 'Changed mind about purchase',
        sim.now(),
      ),
    ),
  ),
  route(
    'POST',
    '/_sim/orders/{orderId}/refund',
    'control',
    'amazonRefund',
    orderAction((sim, request) => amazonRefund(sim, controlOrder(sim, request), sim.now())),
  ),
  route('POST', '/_sim/time/advance', 'control', 'advanceTime', (sim, request) => {
    const { minutes } = parseBody(
      request,
      z
        .object({
          minutes: z
            .number()
            .positive()
            .max(366 * 24 * 60),
        })
        .strict(),
    );
    return json(200, { now: sim.advance(minutes * MINUTE).toISOString() });
  }),
  route('POST', '/_sim/settlements/close', 'control', 'closeSettlement', (sim, request) => {
    const options =
      request.body.length === 0
        ? {}
        : parseBody(
            request,
            z
              .object({
                reserveCents: z.number().int().min(0).optional(),
                omitReserveLine: z.boolean().optional(),
                listTwice: z.boolean().optional(),
                principalOffsets: z.record(z.string(), z.number().int()).optional(),
              })
              .strict(),
          );
    return json(201, { reports: closeSettlementPeriods(sim, sim.now(), options).map(reportView) });
  }),
  route(
    'POST',
    '/_sim/settlements/{settlementId}/reissue',
    'control',
    'reissueSettlement',
    (sim, request) => {
      const settlementId = request.params.settlementId ?? '';
      const report = reissueSettlementReport(sim, settlementId, sim.now());
      if (!report) throw notFound(`Settlement ${settlementId} was not closed.`);
      return json(201, { report: reportView(report) });
    },
  ),
  route('PUT', '/_sim/orders/{orderId}/defects', 'control', 'addRecordDefect', (sim, request) => {
    const { orderId } = controlOrder(sim, request);
    const defect = parseBody(request, recordDefectSchema);
    const others = (sim.store.defects.get(orderId) ?? []).filter((d) => d.place !== defect.place);
    sim.store.defects.set(orderId, [...others, defect]);
    return json(200, { defects: sim.store.defects.get(orderId) });
  }),
  route('DELETE', '/_sim/orders/{orderId}/defects', 'control', 'clearRecordDefects', (sim, request) => {
    sim.store.defects.delete(controlOrder(sim, request).orderId);
    return json(200, { defects: [] });
  }),
  route('GET', '/_sim/faults', 'control', 'listFaults', (sim) => json(200, sim.faults.list())),
  route('POST', '/_sim/faults', 'control', 'addFault', addFault),
  route('DELETE', '/_sim/faults', 'control', 'clearFaults', (sim) => {
    sim.faults.clear();
    return json(200, sim.faults.list());
  }),
  route('PUT', '/_sim/rate-limits/{operation}', 'control', 'setRateLimit', setRateLimit),
  route('DELETE', '/_sim/rate-limits', 'control', 'clearRateLimits', (sim) => {
    sim.limiter.clearOverrides();
    return json(200, {});
  }),
  route('PUT', '/_sim/generator', 'control', 'setGenerator', setGenerator),
  route('POST', '/_sim/sellers', 'control', 'addSeller', (sim, request) => {
    const seller = parseBody(request, sellerSchema);
    sim.store.sellers.set(seller.sellerId, seller);
    return json(201, { sellerId: seller.sellerId });
  }),
  route('GET', '/_sim/requests', 'control', 'listRequests', (sim) =>
    json(200, { requests: sim.store.requests }),
  ),
  route('GET', '/_sim/feeds', 'control', 'listFeeds', (sim) => {
    sim.now();
    return json(200, {
      feeds: [...sim.store.feeds.values()].map((feed) => ({
        feedId: feed.feedId,
        feedType: feed.feedType,
        processingStatus: feed.processingStatus,
        content: feed.content,
        validationErrors: feed.validation.errors,
      })),
    });
  }),
  route('GET', '/_sim/listings', 'control', 'listListings', (sim) =>
    json(200, { listings: [...sim.store.listings.values()] }),
  ),
];
