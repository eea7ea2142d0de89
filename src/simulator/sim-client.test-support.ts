import { DEFAULT_SELLER } from './simulation.js';
import type { SimulatorServer } from './server.js';

export interface SimOrderBody {
  orderId: string;
  lastUpdatedTime: string;
  fulfillment: { fulfillmentStatus: string };
  orderItems: { orderItemId: string; quantityOrdered: number }[];
}

/** A raw HTTP client for simulator tests: what any SP-API client would send, nothing more. */
export class SimClient {
  token = '';

  constructor(readonly server: SimulatorServer) {}

  async login(refreshToken = DEFAULT_SELLER.refreshToken): Promise<Response> {
    const response = await fetch(`${this.server.url}/auth/o2/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded;charset=UTF-8' },
      body: new URLSearchParams({
        grant_type: 'refresh_token',
        refresh_token: refreshToken,
        client_id: DEFAULT_SELLER.clientId,
        client_secret: DEFAULT_SELLER.clientSecret,
      }).toString(),
    });
    if (response.status === 200)
      this.token = ((await response.clone().json()) as { access_token: string }).access_token;
    return response;
  }

  call(method: string, path: string, body?: unknown): Promise<Response> {
    return fetch(`${this.server.url}${path}`, {
      method,
      headers: {
        'x-amz-access-token': this.token,
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
  }

  async json<T = Record<string, unknown>>(
    method: string,
    path: string,
    body?: unknown,
  ): Promise<{ status: number; body: T; headers: Headers }> {
    const response = await this.call(method, path, body);
    const text = await response.text();
    return { status: response.status, body: (text ? JSON.parse(text) : {}) as T, headers: response.headers };
  }

  control<T = Record<string, unknown>>(
    method: string,
    path: string,
    body?: unknown,
  ): Promise<{ status: number; body: T; headers: Headers }> {
    return this.json<T>(method, `/_sim${path}`, body);
  }

  /** Creates an order through the control API; returns it in Amazon's shape. */
  async newOrder(spec: Record<string, unknown> = {}): Promise<SimOrderBody> {
    return (await this.control<{ order: SimOrderBody }>('POST', '/orders', spec)).body.order;
  }

  /** Moves simulated time on, then logs in again (the access token may have expired). */
  async advance(minutes: number): Promise<void> {
    await this.control('POST', '/time/advance', { minutes });
    await this.login();
  }

  /** Uploads a feed and creates it; returns the feed id. */
  async submitFeed(feedType: string, xml: string): Promise<string> {
    const contentType = 'text/xml; charset=UTF-8';
    const document = await this.json<{ feedDocumentId: string; url: string }>(
      'POST',
      '/feeds/2021-06-30/documents',
      { contentType },
    );
    const upload = await fetch(document.body.url, {
      method: 'PUT',
      headers: { 'content-type': contentType },
      body: xml,
    });
    if (upload.status !== 200) throw new Error(`upload failed: ${upload.status}`);
    const feed = await this.json<{ feedId: string }>('POST', '/feeds/2021-06-30/feeds', {
      feedType,
      marketplaceIds: [DEFAULT_SELLER.marketplaceId],
      inputFeedDocumentId: document.body.feedDocumentId,
    });
    if (feed.status !== 202)
      throw new Error(`createFeed failed: ${feed.status} ${JSON.stringify(feed.body)}`);
    return feed.body.feedId;
  }
}

export function fulfillmentFeed(
  orderId: string,
  items: { orderItemId: string; quantity: number }[],
  carrier = 'UPS',
): string {
  const itemXml = items
    .map(
      (item) =>
        `<Item><AmazonOrderItemCode>${item.orderItemId}</AmazonOrderItemCode><Quantity>${item.quantity}</Quantity></Item>`,
    )
    .join('');
  return envelope('OrderFulfillment', [
    `<OrderFulfillment><AmazonOrderID>${orderId}</AmazonOrderID><FulfillmentDate>2026-01-05T10:00:00Z</FulfillmentDate>` +
      `<FulfillmentData><CarrierCode>${carrier}</CarrierCode><ShippingMethod>Ground</ShippingMethod><ShipperTrackingNumber>1Z999AA10123456784</ShipperTrackingNumber></FulfillmentData>${itemXml}</OrderFulfillment>`,
  ]);
}

export function envelope(messageType: string, bodies: string[]): string {
  const messages = bodies
    .map((body, index) => `<Message><MessageID>${index + 1}</MessageID>${body}</Message>`)
    .join('');
  return (
    '<?xml version="1.0" encoding="UTF-8"?>' +
    '<AmazonEnvelope xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:noNamespaceSchemaLocation="amzn-envelope.xsd">' +
    `<Header><DocumentVersion>1.01</DocumentVersion><MerchantIdentifier>${DEFAULT_SELLER.sellerId}</MerchantIdentifier></Header>` +
    `<MessageType>${messageType}</MessageType>${messages}</AmazonEnvelope>`
  );
}
