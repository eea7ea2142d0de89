import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A stand-in Amazon on loopback for tests and benchmarks: the LWA token endpoint, SP-API paths and
 * document URLs, optionally enforcing Amazon's token bucket on SP-API calls (429 QuotaExceeded when
 * empty). Replies can be scripted per path; every request is recorded.
 */

export interface RecordedRequest {
  method: string;
  path: string;
  headers: IncomingMessage['headers'];
  body: string;
  at: number;
}

export interface Reply {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
  /** Hold the response this long (a slow or hung Amazon). */
  delayMs?: number;
}

export interface FakeAmazonOptions {
  bucket?: { rate: number; burst: number };
  /** Sent as x-amzn-RateLimit-Limit on SP-API 2xx responses. */
  rateLimitHeader?: string;
}

type Handler = (request: RecordedRequest) => Reply | undefined;

export class FakeAmazon {
  readonly requests: RecordedRequest[] = [];
  throttled = 0;
  private server: Server | undefined;
  private tokens: number;
  private refilledAt = Date.now();
  private readonly scripts: { method: string; path: string; replies: Reply[] }[] = [];
  private readonly handlers: Handler[] = [];
  private tokenCounter = 0;
  readonly documents = new Map<string, Buffer>();

  constructor(private readonly options: FakeAmazonOptions = {}) {
    this.tokens = options.bucket?.burst ?? 0;
  }

  async start(): Promise<string> {
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  /** The next replies to `method path` (path without query), used once each in order. */
  script(method: string, path: string, ...replies: Reply[]): void {
    this.scripts.push({ method, path, replies });
  }

  /** A handler consulted before the defaults; returning undefined falls through. */
  use(handler: Handler): void {
    this.handlers.push(handler);
  }

  apiRequests(pathPrefix = '/'): RecordedRequest[] {
    return this.requests.filter((r) => r.path.startsWith(pathPrefix) && !r.path.includes('/auth/o2/token'));
  }

  tokenRequests(): RecordedRequest[] {
    return this.requests.filter((r) => r.path.endsWith('/auth/o2/token'));
  }

  private takeBucketToken(): boolean {
    const bucket = this.options.bucket;
    if (!bucket) return true;
    const now = Date.now();
    this.tokens = Math.min(bucket.burst, this.tokens + ((now - this.refilledAt) * bucket.rate) / 1000);
    this.refilledAt = now;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }

  private scripted(request: RecordedRequest): Reply | undefined {
    const pathOnly = request.path.split('?')[0];
    const script = this.scripts.find(
      (s) => s.method === request.method && s.path === pathOnly && s.replies.length > 0,
    );
    return script?.replies.shift();
  }

  private defaultReply(request: RecordedRequest): Reply {
    const path = request.path.split('?')[0] ?? '';
    if (path.endsWith('/auth/o2/token')) {
      this.tokenCounter += 1;
      return {
        status: 200,
        body: { access_token: `Atza|fake-${this.tokenCounter}`, token_type: 'bearer', expires_in: 3600 },
      };
    }
    if (path.includes('/documents-store/')) {
      if (request.method === 'PUT') {
        this.documents.set(path, Buffer.from(request.body, 'utf8'));
        return { status: 200 };
      }
      const stored = this.documents.get(path);
      return stored ? { status: 200, body: stored } : { status: 404, body: 'NoSuchKey' };
    }
    if (!this.takeBucketToken()) {
      this.throttled += 1;
      return {
        status: 429,
        body: {
          errors: [{ code: 'QuotaExceeded', message: 'You exceeded your quota for the requested resource.' }],
        },
      };
    }
    const headers: Record<string, string> = { date: new Date().toUTCString() };
    if (this.options.rateLimitHeader) headers['x-amzn-ratelimit-limit'] = this.options.rateLimitHeader;
    const orderMatch = /\/orders\/2026-01-01\/orders\/([^/]+)$/.exec(path);
    if (orderMatch)
      return { status: 200, headers, body: { order: minimalOrder(decodeURIComponent(orderMatch[1]!)) } };
    if (path.endsWith('/orders/2026-01-01/orders')) return { status: 200, headers, body: { orders: [] } };
    return {
      status: 404,
      body: { errors: [{ code: 'NotFound', message: `no fake for ${request.method} ${path}` }] },
    };
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const request: RecordedRequest = {
      method: req.method ?? 'GET',
      path: req.url ?? '/',
      headers: req.headers,
      body: Buffer.concat(chunks).toString('utf8'),
      at: Date.now(),
    };
    this.requests.push(request);
    let reply = this.scripted(request);
    for (const handler of this.handlers) reply ??= handler(request);
    reply ??= this.defaultReply(request);
    if (reply.delayMs) await new Promise((resolve) => setTimeout(resolve, reply.delayMs));
    if (res.destroyed) return;
    const body =
      reply.body === undefined
        ? ''
        : Buffer.isBuffer(reply.body) || typeof reply.body === 'string'
          ? reply.body
          : JSON.stringify(reply.body);
    res.writeHead(reply.status, { 'x-amzn-requestid': `fake-${this.requests.length}`, ...reply.headers });
    res.end(body);
  }
}

export function minimalOrder(orderId: string) {
  return {
    orderId,
    createdTime: '2026-11-21T10:00:00Z',
    lastUpdatedTime: '2026-11-21T10:05:00Z',
    salesChannel: { channelName: 'AMAZON', marketplaceId: 'ATVPDKIKX0DER' },
    fulfillment: { fulfillmentStatus: 'UNSHIPPED', fulfilledBy: 'MERCHANT' },
    orderItems: [{ orderItemId: '12345678901234', quantityOrdered: 1, product: { sellerSku: 'SKU-1' } }],
  };
}
