import { z } from 'zod';
import { DAY, isoSeconds, MINUTE } from '../clock.js';
import {
  ApiError,
  invalidInput,
  json,
  notFound,
  parseBody,
  parseTime,
  queryList,
  route,
  type Route,
  type SimRequest,
} from '../http.js';
import type { SimOrder } from '../model.js';
import { OrderRefusal, shipOrder } from '../order-actions.js';
import { orderView } from '../orders-view.js';
import { defectiveOrder } from '../record-defects.js';
import type { PageCursor } from '../records.js';
import type { Simulation } from '../simulation.js';
import { knownCarrierCodes } from '../carriers.js';

/** Orders API 2026-01-01 (searchOrders, getOrder) and v0 confirmShipment. */

const NOT_VALID = 'The input you have submitted is not valid. Please check your input and try again.';
const TWO_MINUTES = 2 * MINUTE;

interface Window {
  field: 'createdTime' | 'lastUpdatedTime';
  after: Date;
  before: Date;
}

function searchWindow(query: URLSearchParams, now: Date): Window {
  const createdAfter = parseTime(query.get('createdAfter'), 'createdAfter');
  const createdBefore = parseTime(query.get('createdBefore'), 'createdBefore');
  const updatedAfter = parseTime(query.get('lastUpdatedAfter'), 'lastUpdatedAfter');
  const updatedBefore = parseTime(query.get('lastUpdatedBefore'), 'lastUpdatedBefore');
  if ((createdAfter === undefined) === (updatedAfter === undefined)) {
    throw invalidInput('Exactly one of createdAfter and lastUpdatedAfter must be provided.');
  }
  if (
    (createdAfter && (updatedBefore || updatedAfter)) ||
    (updatedAfter && (createdBefore || createdAfter))
  ) {
    throw invalidInput(
      'createdAfter/createdBefore cannot be combined with lastUpdatedAfter/lastUpdatedBefore.',
    );
  }
  const after = (createdAfter ?? updatedAfter) as Date;
  const latestAllowed = new Date(now.getTime() - TWO_MINUTES);
  const before = createdBefore ?? updatedBefore;
  // Amazon's 2-minute rule: *Before must be at least two minutes before the request, and not before *After.
  if (before && (before.getTime() > latestAllowed.getTime() || before.getTime() < after.getTime())) {
    throw new ApiError(400, 'InvalidInput', NOT_VALID, '');
  }
  if (after.getTime() > latestAllowed.getTime()) throw new ApiError(400, 'InvalidInput', NOT_VALID, '');
  return { field: createdAfter ? 'createdTime' : 'lastUpdatedTime', after, before: before ?? latestAllowed };
}

function signatureOf(query: URLSearchParams): string {
  const keys = [
    'createdAfter',
    'createdBefore',
    'lastUpdatedAfter',
    'lastUpdatedBefore',
    'fulfillmentStatuses',
    'marketplaceIds',
    'fulfilledBy',
  ];
  return keys.map((key) => `${key}=${queryList(query, key).join(',')}`).join('&');
}

function firstPage(sim: Simulation, request: SimRequest, now: Date, marketplaceIds: string[]): PageCursor {
  const window = searchWindow(request.query, now);
  const statuses = queryList(request.query, 'fulfillmentStatuses');
  const fulfilledBy = queryList(request.query, 'fulfilledBy');
  const matches = (order: SimOrder) => {
    const time = order[window.field].getTime();
    return (
      marketplaceIds.includes(order.marketplaceId) &&
      sim.faults.isSearchable(order, now) &&
      time >= window.after.getTime() &&
      time <= window.before.getTime() &&
      (statuses.length === 0 || statuses.includes(order.status)) &&
      (fulfilledBy.length === 0 || fulfilledBy.includes(order.fulfilledBy))
    );
  };
  const orderIds = sim.store
    .ordersOf(request.sellerId)
    .filter(matches)
    .sort(
      (a, b) => a[window.field].getTime() - b[window.field].getTime() || a.orderId.localeCompare(b.orderId),
    )
    .map((order) => order.orderId);
  const echoKey = window.field === 'createdTime' ? 'createdBefore' : 'lastUpdatedBefore';
  return {
    signature: signatureOf(request.query),
    orderIds,
    offset: 0,
    sellerId: request.sellerId,
    expiresAt: new Date(now.getTime() + DAY),
    echo: { [echoKey]: isoSeconds(window.before) },
  };
}

function cursorFor(sim: Simulation, request: SimRequest, now: Date, marketplaceIds: string[]): PageCursor {
  const token = request.query.get('paginationToken');
  if (token === null || token === '') return firstPage(sim, request, now, marketplaceIds);
  const cursor = sim.store.pageCursors.get(token);
  const expired = !cursor || cursor.expiresAt.getTime() < now.getTime();
  if (
    expired ||
    cursor.sellerId !== request.sellerId ||
    sim.faults.take('searchOrders', ['token-rejected'])
  ) {
    throw invalidInput('Invalid paginationToken: it is unknown or has expired.');
  }
  if (cursor.signature !== signatureOf(request.query)) {
    throw invalidInput('The parameters of a paginated request must repeat those of the first request.');
  }
  return cursor;
}

function searchOrders(sim: Simulation, request: SimRequest) {
  const now = sim.now();
  const marketplaceIds = queryList(request.query, 'marketplaceIds');
  if (marketplaceIds.length === 0) throw invalidInput("Missing required parameter 'marketplaceIds'.");
  if (marketplaceIds.length > 50) throw invalidInput('marketplaceIds accepts at most 50 values.');
  const pageSize = Number(request.query.get('maxResultsPerPage') ?? '100');
  if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > 100)
    throw invalidInput('maxResultsPerPage must be between 1 and 100.');
  const cursor = cursorFor(sim, request, now, marketplaceIds);
  const included = new Set(queryList(request.query, 'includedData'));
  const repeated = cursor.offset > 0 && sim.faults.take('searchOrders', ['page-repeated']) !== undefined;
  const start = repeated ? Math.max(0, cursor.offset - pageSize) : cursor.offset;
  const pageIds = cursor.orderIds.slice(start, start + pageSize);
  const orders = pageIds.flatMap((id) => {
    const order = sim.store.orders.get(id);
    return order ? [defectiveOrder(sim.store.defects, orderView(order, included, sim.baseUrl))] : [];
  });
  const nextOffset = start + pageIds.length;
  const body: Record<string, unknown> = { orders, ...cursor.echo };
  if (nextOffset < cursor.orderIds.length) {
    const nextToken = Buffer.from(`${request.sellerId}:${nextOffset}:${sim.store.newDocumentId()}`).toString(
      'base64url',
    );
    sim.store.pageCursors.set(nextToken, { ...cursor, offset: nextOffset });
    body.pagination = { nextToken };
  }
  return json(200, body);
}

function ownOrder(sim: Simulation, request: SimRequest): SimOrder {
  const orderId = request.params.orderId ?? '';
  const order = sim.store.orders.get(orderId);
  if (!order || order.sellerId !== request.sellerId) throw notFound(`Order ${orderId} was not found.`);
  return order;
}

function getOrder(sim: Simulation, request: SimRequest) {
  sim.now();
  const order = ownOrder(sim, request);
  const included = new Set(queryList(request.query, 'includedData'));
  return json(200, { order: defectiveOrder(sim.store.defects, orderView(order, included, sim.baseUrl)) });
}

const confirmShipmentSchema = z.object({
  marketplaceId: z.string().min(1),
  packageDetail: z.object({
    packageReferenceId: z.string().min(1),
    carrierCode: z.string().min(1),
    carrierName: z.string().optional(),
    shippingMethod: z.string().optional(),
    trackingNumber: z.string().min(1),
    shipDate: z.string().regex(/^\d{4}-\d{2}-\d{2}T/),
    shipFromSupplySourceId: z.string().optional(),
    orderItems: z
      .array(
        z.object({
          orderItemId: z.string().min(1),
          quantity: z.number().int().min(1),
          transparencyCodes: z.array(z.string()).optional(),
        }),
      )
      .min(1),
  }),
  codCollectionMethod: z.string().optional(),
});

function confirmShipment(sim: Simulation, request: SimRequest) {
  const now = sim.now();
  const order = ownOrder(sim, request);
  const { packageDetail } = parseBody(request, confirmShipmentSchema);
  const { carrierCode, carrierName } = packageDetail;
  if (!knownCarrierCodes().has(carrierCode) || (carrierCode === 'Other' && !carrierName)) {
    throw invalidInput(
      `Invalid carrierCode '${carrierCode}'.`,
      'Use a carrier code from the list, or Other with carrierName.',
    );
  }
  try {
    shipOrder(
      sim.store,
      order,
      {
        items: packageDetail.orderItems.map((item) => ({
          orderItemId: item.orderItemId,
          quantity: item.quantity,
        })),
        carrier: carrierCode === 'Other' ? (carrierName ?? carrierCode) : carrierCode,
        ...(packageDetail.shippingMethod !== undefined
          ? { shippingService: packageDetail.shippingMethod }
          : {}),
        trackingNumber: packageDetail.trackingNumber,
        shipTime: new Date(packageDetail.shipDate),
        packageReferenceId: packageDetail.packageReferenceId,
      },
      now,
    );
  } catch (err) {
    if (err instanceof OrderRefusal) throw invalidInput(err.message);
    throw err;
  }
  return { status: 204 };
}

export const orderRoutes: Route[] = [
  route('GET', '/orders/2026-01-01/orders', 'sp-api', 'searchOrders', searchOrders),
  route('GET', '/orders/2026-01-01/orders/{orderId}', 'sp-api', 'getOrder', getOrder),
  route(
    'POST',
    '/orders/v0/orders/{orderId}/shipmentConfirmation',
    'sp-api',
    'confirmShipment',
    confirmShipment,
  ),
];
