import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { authenticate, authRoutes } from './api/auth.js';
import { controlRoutes } from './api/control.js';
import { documentRoutes } from './api/documents.js';
import { feedRoutes } from './api/feeds.js';
import { financeRoutes } from './api/finances.js';
import { transactionRoutes } from './api/transactions.js';
import { listingRoutes } from './api/listings.js';
import { orderRoutes } from './api/orders.js';
import { reportRoutes } from './api/reports.js';
import { ApiError, errorBody, matchRoute, type Route, type SimRequest, type SimResponse } from './http.js';
import { Simulation, type SimulationOptions } from './simulation.js';
import { isOperation } from './usage-plans.js';

const ROUTES: Route[] = [
  ...authRoutes,
  ...orderRoutes,
  ...reportRoutes,
  ...feedRoutes,
  ...listingRoutes,
  ...financeRoutes,
  ...transactionRoutes,
  ...documentRoutes,
  ...controlRoutes,
];
const RECORDED_BODY_LIMIT = 64 * 1024;

export interface SimulatorServer {
  sim: Simulation;
  url: string;
  port: number;
  close(): Promise<void>;
}

function readBody(request: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => resolve(Buffer.concat(chunks)));
    request.on('error', reject);
  });
}

function send(
  sim: Simulation,
  res: ServerResponse,
  request: SimRequest,
  route: Route | undefined,
  response: SimResponse,
): void {
  const headers: Record<string, string> = {
    'x-amzn-RequestId': request.requestId,
    Date: sim.clock.now().toUTCString(),
    ...response.headers,
  };
  // Amazon sends the rate limit on successes, 400 and 404, never on 403, 429 or 5xx.
  const withLimit = response.status < 300 || response.status === 400 || response.status === 404;
  if (route?.kind === 'sp-api' && isOperation(route.operation) && withLimit) {
    headers['x-amzn-RateLimit-Limit'] = sim.limiter.headerValue(route.operation);
  }
  let payload: Buffer | string | undefined = response.raw;
  if (response.json !== undefined) {
    payload = JSON.stringify(response.json);
    headers['Content-Type'] = 'application/json';
  } else if (response.contentType !== undefined) headers['Content-Type'] = response.contentType;
  res.writeHead(response.status, headers);
  res.end(payload);
}

function fromError(err: unknown): SimResponse {
  if (err instanceof ApiError)
    return { status: err.status, json: errorBody(err.code, err.message, err.details) };
  return {
    status: 500,
    json: errorBody('InternalFailure', 'We encountered an internal error. Please try again.'),
  };
}

/** Faults that answer instead of the operation; undefined lets the call go on. */
async function injectedFault(
  sim: Simulation,
  res: ServerResponse,
  route: Route,
): Promise<SimResponse | 'dropped' | undefined> {
  const fault = sim.faults.take(route.operation, ['throttle', 'server-error', 'slow', 'drop-connection']);
  if (!fault) return undefined;
  if (fault.kind === 'slow') {
    await new Promise((resolve) => setTimeout(resolve, fault.delayMs));
    return undefined;
  }
  if (fault.kind === 'drop-connection') {
    res.socket?.destroy();
    return 'dropped';
  }
  if (fault.kind === 'throttle')
    return {
      status: 429,
      json: errorBody('QuotaExceeded', 'You exceeded your quota for the requested resource.'),
    };
  return {
    status: fault.status,
    json: errorBody(
      fault.status === 500 ? 'InternalFailure' : 'ServiceUnavailable',
      fault.status === 500
        ? 'We encountered an internal error. Please try again.'
        : 'Service temporarily unavailable. Please try again.',
    ),
  };
}

async function respond(
  sim: Simulation,
  route: Route,
  request: SimRequest,
  res: ServerResponse,
): Promise<SimResponse | 'dropped'> {
  if (route.kind !== 'control') {
    const fault = await injectedFault(sim, res, route);
    if (fault) return fault;
  }
  if (route.kind === 'sp-api' && isOperation(route.operation)) {
    request.sellerId = authenticate(sim, request).sellerId;
    if (!sim.limiter.take(request.sellerId, route.operation)) {
      return {
        status: 429,
        json: errorBody('QuotaExceeded', 'You exceeded your quota for the requested resource.'),
      };
    }
  }
  const response = await route.handler(sim, request);
  const late = route.kind === 'control' ? undefined : sim.faults.take(route.operation, ['slow-answer']);
  if (late) await new Promise((resolve) => setTimeout(resolve, late.delayMs));
  return response;
}

/** A document download cut half-way (truncate-download) or held half-way for delayMs (stall-download). */
function partialDownload(
  sim: Simulation,
  res: ServerResponse,
  request: SimRequest,
  response: SimResponse,
): boolean {
  if (response.status !== 200 || !Buffer.isBuffer(response.raw)) return false;
  const fault = sim.faults.take('downloadDocument', ['truncate-download', 'stall-download']);
  if (!fault) return false;
  const raw = response.raw;
  res.writeHead(200, {
    'x-amzn-RequestId': request.requestId,
    'Content-Length': String(raw.length),
    'Content-Type': response.contentType ?? 'application/octet-stream',
  });
  const half = Math.floor(raw.length / 2);
  res.write(raw.subarray(0, half));
  if (fault.kind === 'truncate-download') setImmediate(() => res.socket?.destroy());
  else setTimeout(() => res.end(raw.subarray(half)), fault.delayMs);
  return true;
}

function record(sim: Simulation, request: SimRequest, route: Route | undefined, status: number): void {
  if (route?.kind === 'control') return;
  const textual = route?.kind !== 'document' || request.method === 'PUT';
  let body: string | undefined;
  if (route?.kind === 'token') body = '[credentials]';
  else if (textual && request.body.length > 0)
    body = request.body.subarray(0, RECORDED_BODY_LIMIT).toString('utf8');
  sim.store.record({
    requestId: request.requestId,
    time: sim.clock.now().toISOString(),
    method: request.method,
    path: request.path,
    query: Object.fromEntries(request.query),
    operation: route?.operation ?? 'unknown',
    status,
    ...(body !== undefined ? { body } : {}),
  });
}

async function handle(sim: Simulation, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://simulator');
  const request: SimRequest = {
    method: req.method ?? 'GET',
    path: url.pathname,
    query: url.searchParams,
    headers: req.headers,
    body: await readBody(req),
    params: {},
    sellerId: '',
    requestId: sim.store.newRequestId(),
  };
  const matched = matchRoute(ROUTES, request.method, request.path);
  let response: SimResponse | 'dropped';
  if (!matched)
    response = {
      status: 404,
      json: errorBody('NotFound', `No resource at ${request.method} ${request.path}.`),
    };
  else {
    request.params = matched.params;
    response = await respond(sim, matched.route, request, res).catch(fromError);
  }
  record(sim, request, matched?.route, response === 'dropped' ? 0 : response.status);
  if (response === 'dropped' || partialDownload(sim, res, request, response)) return;
  send(sim, res, request, matched?.route, response);
}

/** Starts the simulator on `port` (0: any free port) and returns its base URL. */
export async function startSimulator(
  options: SimulationOptions & { port?: number; host?: string } = {},
): Promise<SimulatorServer> {
  const sim = new Simulation(options);
  const server: Server = createServer((req, res) => {
    handle(sim, req, res).catch((err: unknown) => {
      if (!res.headersSent) res.writeHead(500, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify(errorBody('InternalFailure', (err as Error).message)));
    });
  });
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  sim.baseUrl = `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${port}`;
  return {
    sim,
    url: sim.baseUrl,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
