import { gzipSync } from 'node:zlib';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '../../test/helpers/context.js';
import { createAmazonCompany, gatewayFactory } from '../../test/amazon/helpers.js';
import { FakeAmazon } from '../../test/amazon/fake-amazon.js';

/**
 * A company whose endpoint is a base URL sends all of its Amazon traffic there, in plain http: the LWA
 * token exchange, SP-API operations (Amazon's path and query behind the base URL's path) and document
 * transfers to the URLs the API returned. (No nock here: nock judges a request by the Amazon host the
 * package names, before the connection is redirected; see docs/amazon.md.)
 */

let context: TestContext;
let fake: FakeAmazon;
let origin: string;

beforeAll(async () => {
  context = await createTestContext();
  fake = new FakeAmazon();
  origin = await fake.start();
});

afterEach(() => {
  fake.requests.length = 0;
});

afterAll(async () => {
  await fake.stop();
  await context.cleanup();
});

describe('endpoint override', () => {
  it('carries the token exchange, API calls and document transfers to the base URL', async () => {
    const base = `${origin}/staging-amazon`;
    const company = await createAmazonCompany(context, { endpoint: base, region: 'eu' });
    const report = 'order-id\tsku\n028-1234567-8901234\tSKU-1\n';
    fake.documents.set('/documents-store/report-1', gzipSync(report));
    fake.script('GET', '/staging-amazon/reports/2021-06-30/documents/DOC-1', {
      status: 200,
      body: {
        reportDocumentId: 'DOC-1',
        url: `${origin}/documents-store/report-1`,
        compressionAlgorithm: 'GZIP',
      },
    });
    fake.script('POST', '/staging-amazon/feeds/2021-06-30/documents', {
      status: 201,
      body: { feedDocumentId: 'FEED-DOC-1', url: `${origin}/documents-store/feed-1?X-Amz-Signature=abc` },
    });
    const port = await gatewayFactory(context).forCompany(company.id);

    const page = await port.searchOrders({
      lastUpdatedAfter: '2026-11-21T10:00:00Z',
      marketplaceIds: ['A1PA6795UKMFR9', 'A1F83G8C2ARO7P'],
    });
    const location = await port.getReportDocument('DOC-1');
    const stream = await port.downloadDocument(location);
    const chunks: Buffer[] = [];
    for await (const chunk of stream) chunks.push(chunk as Buffer);
    const upload = await port.createFeedDocument('text/xml; charset=UTF-8');
    await port.uploadFeedDocument(upload.url, 'text/xml; charset=UTF-8', '<AmazonEnvelope/>');

    expect(page.orders).toEqual([]);
    expect(Buffer.concat(chunks).toString('utf8')).toBe(report);
    expect(fake.documents.get('/documents-store/feed-1')?.toString('utf8')).toBe('<AmazonEnvelope/>');
    const seen = fake.requests.map((request) => `${request.method} ${request.path}`);
    expect(seen).toEqual([
      'POST /staging-amazon/auth/o2/token',
      'GET /staging-amazon/orders/2026-01-01/orders?lastUpdatedAfter=2026-11-21T10%3A00%3A00Z&marketplaceIds=A1PA6795UKMFR9%2CA1F83G8C2ARO7P',
      'GET /staging-amazon/reports/2021-06-30/documents/DOC-1',
      'GET /documents-store/report-1',
      'POST /staging-amazon/feeds/2021-06-30/documents',
      'PUT /documents-store/feed-1?X-Amz-Signature=abc',
    ]);
    const apiCall = fake.requests[1]!;
    expect(apiCall.headers.host).toBe(new URL(origin).host);
    expect(apiCall.headers['x-amz-access-token']).toBe('Atza|fake-1');
    expect(fake.requests[5]!.headers['content-type']).toBe('text/xml; charset=UTF-8');
  });
});
