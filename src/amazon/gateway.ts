import type { z } from 'zod';
import type { Logger } from '../shared/logger.js';
import { callOperation, type CallContext } from './call.js';
import { header } from './classify.js';
import { downloadBytes, downloadDocument, uploadDocument, type TransferSettings } from './documents.js';
import { AmazonResponseError } from './errors.js';
import type { OperationName } from './operations.js';
import type * as Port from './port.js';
import { getOrderResponseSchema, orderSchema, searchOrdersResponseSchema } from './schemas/orders.schema.js';
import {
  createFeedDocumentResponseSchema,
  createFeedResponseSchema,
  createReportResponseSchema,
  feedDocumentSchema,
  feedSchema,
  financialEventsResponseSchema,
  getFeedsResponseSchema,
  getReportsResponseSchema,
  listingsSubmissionSchema,
  reportDocumentSchema,
  reportSchema,
} from './schemas/documents.schema.js';
import { listTransactionsResponseSchema, transactionSchema } from './schemas/finances.schema.js';
import type { CallParams, RawResponse } from './sp-client.js';
import { parseEach, parseJsonBody, parseResponse } from './validate.js';

/**
 * sellersync's AmazonPort over SP-API for one company. Each operation states its request, and its
 * response is validated and mapped to our types; everything else (limits, tokens, retries, errors)
 * happens in callOperation.
 */

type Query = Record<string, string | number | string[] | undefined>;

/** Drops absent parameters so they are not sent at all. */
function query(values: Query): Record<string, string | number | string[]> {
  return Object.fromEntries(Object.entries(values).filter(([, value]) => value !== undefined)) as Record<
    string,
    string | number | string[]
  >;
}

/** Amazon's clock at the response, from its `Date` header; undefined when it is missing or not a date. */
function readAmazonTime(response: RawResponse): Date | undefined {
  const date = header(response, 'date');
  const time = date === undefined ? Number.NaN : Date.parse(date);
  return Number.isNaN(time) ? undefined : new Date(time);
}

/** Amazon's clock at the response, for operations whose callers cannot do without it. */
function amazonTime(operation: OperationName, response: RawResponse): Date {
  const time = readAmazonTime(response);
  if (time === undefined) throw new AmazonResponseError(operation, 'Date header', 'is missing or not a date');
  return time;
}

export class SpApiGateway implements Port.AmazonPort {
  constructor(
    private readonly context: CallContext,
    private readonly transfers: TransferSettings,
    private readonly logger: Logger,
  ) {}

  /** The same gateway whose calls, waits and transfers end as soon as `signal` aborts. */
  withSignal(signal: AbortSignal | undefined): SpApiGateway {
    if (signal === undefined) return this;
    return new SpApiGateway({ ...this.context, signal }, { ...this.transfers, signal }, this.logger);
  }

  private async request<T extends z.ZodType>(
    operation: OperationName,
    params: CallParams,
    schema: T,
  ): Promise<{ data: z.output<T>; response: RawResponse }> {
    const response = await callOperation(this.context, operation, params);
    const data = parseResponse(operation, schema, parseJsonBody(operation, response.body), this.logger);
    return { data, response };
  }

  async searchOrders(params: Port.SearchOrdersParams): Promise<Port.SearchOrdersPage> {
    const { paginationToken, ...filters } = params;
    const { data, response } = await this.request(
      'searchOrders',
      { query: query({ ...filters, paginationToken }) },
      searchOrdersResponseSchema,
    );
    const { valid, rejected } = parseEach('searchOrders', orderSchema, data, 'orders', this.logger);
    return {
      orders: valid as Port.AmazonOrder[],
      rejectedOrders: rejected.map((error) => ({ orderId: error.orderId ?? null, problem: error.message })),
      ...(data.pagination?.nextToken === undefined ? {} : { nextToken: data.pagination.nextToken }),
      ...(data.lastUpdatedBefore === undefined ? {} : { lastUpdatedBefore: data.lastUpdatedBefore }),
      ...(data.createdBefore === undefined ? {} : { createdBefore: data.createdBefore }),
      amazonTime: amazonTime('searchOrders', response),
    };
  }

  async getOrder(orderId: string, includedData?: Port.IncludedData[]): Promise<Port.AmazonOrder> {
    const { data } = await this.request(
      'getOrder',
      { path: { orderId }, query: query({ includedData }) },
      getOrderResponseSchema,
    );
    return data.order as Port.AmazonOrder;
  }

  async confirmShipment(orderId: string, request: Port.ConfirmShipmentRequest): Promise<void> {
    await callOperation(this.context, 'confirmShipment', { path: { orderId }, body: request });
  }

  async createReport(request: Port.CreateReportRequest): Promise<{ reportId: string }> {
    const { data } = await this.request('createReport', { body: request }, createReportResponseSchema);
    return { reportId: data.reportId };
  }

  async getReport(reportId: string): Promise<Port.AmazonReport> {
    const { data } = await this.request('getReport', { path: { reportId } }, reportSchema);
    return data as Port.AmazonReport;
  }

  async getReports(
    filter: Port.GetReportsFilter,
  ): Promise<{ reports: Port.AmazonReport[]; nextToken?: string; amazonTime: Date }> {
    // Amazon's rule: with nextToken, no other parameter may be sent.
    const params = filter.nextToken === undefined ? query({ ...filter }) : { nextToken: filter.nextToken };
    const { data, response } = await this.request('getReports', { query: params }, getReportsResponseSchema);
    return {
      reports: data.reports as Port.AmazonReport[],
      ...(data.nextToken === undefined ? {} : { nextToken: data.nextToken }),
      amazonTime: amazonTime('getReports', response),
    };
  }

  async cancelReport(reportId: string): Promise<void> {
    await callOperation(this.context, 'cancelReport', { path: { reportId } });
  }

  async getReportDocument(reportDocumentId: string): Promise<Port.DocumentLocation> {
    const { data } = await this.request(
      'getReportDocument',
      { path: { reportDocumentId } },
      reportDocumentSchema,
    );
    return location(data.reportDocumentId, data.url, data.compressionAlgorithm);
  }

  async createFeedDocument(contentType: string): Promise<Port.CreatedFeedDocument> {
    const { data, response } = await this.request(
      'createFeedDocument',
      { body: { contentType } },
      createFeedDocumentResponseSchema,
    );
    const time = readAmazonTime(response);
    return { feedDocumentId: data.feedDocumentId, url: data.url, ...(time ? { amazonTime: time } : {}) };
  }

  async uploadFeedDocument(url: string, contentType: string, content: string | Buffer): Promise<void> {
    await uploadDocument(this.transfers, url, contentType, content);
  }

  async createFeed(request: Port.CreateFeedRequest): Promise<{ feedId: string }> {
    const { data } = await this.request('createFeed', { body: request }, createFeedResponseSchema);
    return { feedId: data.feedId };
  }

  async getFeed(feedId: string): Promise<Port.AmazonFeed> {
    const { data } = await this.request('getFeed', { path: { feedId } }, feedSchema);
    return data as Port.AmazonFeed;
  }

  async getFeeds(filter: Port.GetFeedsFilter): Promise<Port.GetFeedsPage> {
    const params = filter.nextToken === undefined ? query({ ...filter }) : { nextToken: filter.nextToken };
    const { data, response } = await this.request('getFeeds', { query: params }, getFeedsResponseSchema);
    return {
      feeds: data.feeds as Port.AmazonFeed[],
      ...(data.nextToken === undefined ? {} : { nextToken: data.nextToken }),
      amazonTime: amazonTime('getFeeds', response),
    };
  }

  async getFeedDocument(feedDocumentId: string): Promise<Port.DocumentLocation> {
    const { data } = await this.request('getFeedDocument', { path: { feedDocumentId } }, feedDocumentSchema);
    return location(data.feedDocumentId, data.url, data.compressionAlgorithm);
  }

  downloadDocument(documentLocation: Port.DocumentLocation): Promise<Port.DocumentStream> {
    return downloadDocument(this.transfers, documentLocation);
  }

  downloadCustomization(url: string): Promise<Buffer> {
    return downloadBytes(this.transfers, url);
  }

  async patchListingsItem(
    sellerId: string,
    sku: string,
    marketplaceIds: string[],
    body: { productType: string; patches: Port.ListingsPatch[] },
  ): Promise<Port.ListingsItemSubmission> {
    const { data } = await this.request(
      'patchListingsItem',
      { path: { sellerId, sku }, query: { marketplaceIds }, body },
      listingsSubmissionSchema,
    );
    return data as Port.ListingsItemSubmission;
  }

  async listFinancialEventsByOrderId(
    orderId: string,
    nextToken?: string,
  ): Promise<{ financialEvents: Port.FinancialEvents; nextToken?: string }> {
    const { data } = await this.request(
      'listFinancialEventsByOrderId',
      { path: { orderId }, query: query({ NextToken: nextToken }) },
      financialEventsResponseSchema,
    );
    const next = data.payload.NextToken;
    return {
      financialEvents: data.payload.FinancialEvents,
      ...(next === undefined ? {} : { nextToken: next }),
    };
  }

  async listTransactions(params: Port.ListTransactionsParams): Promise<Port.TransactionsPage> {
    const { data } = await this.request(
      'listTransactions',
      { query: query({ ...params }) },
      listTransactionsResponseSchema,
    );
    const { valid, rejected } = parseEach(
      'listTransactions',
      transactionSchema,
      data.payload,
      'transactions',
      this.logger,
    );
    const next = data.payload.nextToken;
    return {
      transactions: valid as Port.FinanceTransaction[],
      rejectedTransactions: rejected.map((error) => ({ problem: error.message })),
      ...(next === undefined || next === '' ? {} : { nextToken: next }),
    };
  }
}

function location(
  documentId: string,
  url: string,
  compressionAlgorithm: string | undefined,
): Port.DocumentLocation {
  return { documentId, url, ...(compressionAlgorithm === undefined ? {} : { compressionAlgorithm }) };
}
