import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import nock from 'nock';
import { createAmazonCompany, TEST_CREDENTIALS } from '../../test/amazon/helpers.js';
import type { TestContext } from '../../test/helpers/context.js';
import { updateCompany, type Company } from '../companies/companies.service.js';

/** Amazon answering at the HTTP layer with its own model's example payloads (nock), for one NA company. */

export const SP_API = 'https://sellingpartnerapi-na.amazon.com';

/** The first order of the Orders API 2026-01-01 model's searchOrders example, a fresh copy each call. */
export function exampleOrder(): Record<string, unknown> {
  const model = JSON.parse(
    readFileSync(resolve(process.cwd(), '../shared/amazon/models/orders_2026-01-01.json'), 'utf8'),
  ) as {
    paths: Record<string, { get: { responses: Record<string, { examples: Record<string, unknown> }> } }>;
  };
  const example = model.paths['/orders/2026-01-01/orders']?.get.responses['200']?.examples[
    'application/json'
  ] as { orders: Record<string, unknown>[] };
  return structuredClone(example.orders[0]) as Record<string, unknown>;
}

/** A company downloading orders from the US marketplace, with LWA answering every token exchange. */
export async function nockedCompany(
  context: TestContext,
  settings: { allowCheckoutByAmazonOrders?: boolean } = {},
): Promise<Company> {
  const created = await createAmazonCompany(context, { region: 'na' });
  nock('https://api.amazon.com')
    .post('/auth/o2/token')
    .reply(200, {
      access_token: `Atza|${TEST_CREDENTIALS.refreshToken}`,
      token_type: 'bearer',
      expires_in: 3600,
    })
    .persist();
  return updateCompany(context.db, context.config.keyring, created.id, {
    marketplaceIds: ['ATVPDKIKX0DER'],
    allowOrderDownload: true,
    ...settings,
  });
}

/** The nock interceptors still waiting for their call, token exchanges aside. */
export function pendingAmazonCalls(): string[] {
  return nock.pendingMocks().filter((mock) => !mock.includes('auth/o2'));
}

/** Amazon's clock as the download reads it when it opens a window: getReports answering with this `Date`. */
export function amazonClockAt(date: string, host = SP_API): void {
  nock(host)
    .get('/reports/2021-06-30/reports')
    .query((query) => query.pageSize === '1')
    .reply(200, { reports: [] }, { Date: date });
}

/** The columns of an all-orders report (by last update) that the download reads. */
export const REPORT_HEADER = [
  'amazon-order-id',
  'purchase-date',
  'last-updated-date',
  'order-status',
  'fulfillment-channel',
  'sales-channel',
  'sku',
  'item-status',
  'quantity',
  'currency',
  'item-price',
];

/** One line of that report: an Amazon-fulfilled order line, shipped, with these changes. */
export function reportLine(orderId: string, changes: Record<string, string> = {}): string {
  const values: Record<string, string> = {
    'amazon-order-id': orderId,
    'purchase-date': '2026-11-21T10:00:00+00:00',
    'last-updated-date': '2026-11-21T22:10:00+00:00',
    'order-status': 'Shipped',
    'fulfillment-channel': 'Amazon',
    'sales-channel': 'Amazon.com',
    sku: 'SKU-1',
    'item-status': 'Shipped',
    quantity: '1',
    currency: 'USD',
    'item-price': '10.00',
    ...changes,
  };
  return REPORT_HEADER.map((column) => values[column] ?? '').join('\t');
}

/** The all-orders report `reportId` done when asked for (at Amazon's `date`), with this document. */
export function allOrdersReportDone(reportId: string, document: string, date: string): void {
  const documentId = `DOC-${reportId}`;
  nock(SP_API)
    .get(`/reports/2021-06-30/reports/${reportId}`)
    .reply(
      200,
      {
        reportId,
        reportType: 'GET_FLAT_FILE_ALL_ORDERS_DATA_BY_LAST_UPDATE_GENERAL',
        createdTime: `${new Date(Date.parse(date)).toISOString().slice(0, 19)}Z`,
        processingStatus: 'DONE',
        reportDocumentId: documentId,
      },
      { Date: date },
    );
  nock(SP_API)
    .get(`/reports/2021-06-30/documents/${documentId}`)
    .reply(200, {
      reportDocumentId: documentId,
      url: `https://tortuga-prod-na.s3.amazonaws.com/${documentId}`,
    });
  nock('https://tortuga-prod-na.s3.amazonaws.com').get(`/${documentId}`).reply(200, document);
}
