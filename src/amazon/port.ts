import type { Readable } from 'node:stream';

/**
 * What the domains see of Amazon: one `AmazonPort` per company, with typed operations and our own types.
 * The gateway (src/amazon/gateway.ts) implements it over SP-API with shared rate limiting, retries,
 * token caching and error classification; domains never import the SP-API client directly.
 *
 * Types follow Amazon's models (shared/amazon/models) field for field, camelCase as Amazon's newer APIs
 * spell them. Fields Amazon marks optional are optional here. Values Amazon may extend (enums) are typed
 * as their known members `| (string & {})`, so an unknown member is kept instead of rejected.
 */

type Open<T extends string> = T | (string & {});

// ---------------------------------------------------------------- Orders API 2026-01-01

export interface Money {
  /** A decimal string, exactly as Amazon sent it ("12.99"); never a float. */
  amount: string;
  currencyCode: string;
}

export interface DateTimeRange {
  earliestDateTime?: string;
  latestDateTime?: string;
}

export type FulfillmentStatus = Open<
  | 'PENDING_AVAILABILITY'
  | 'PENDING'
  | 'UNSHIPPED'
  | 'PARTIALLY_SHIPPED'
  | 'SHIPPED'
  | 'CANCELLED'
  | 'UNFULFILLABLE'
>;

export type OrderProgram = Open<
  | 'AMAZON_BAZAAR'
  | 'AMAZON_BUSINESS'
  | 'AMAZON_EASY_SHIP'
  | 'AMAZON_HAUL'
  | 'DELIVERY_BY_AMAZON'
  | 'FBM_SHIP_PLUS'
  | 'INVOICE_BY_AMAZON'
  | 'IN_STORE_PICK_UP'
  | 'PREMIUM'
  | 'PREORDER'
  | 'PRIME'
>;

export type IncludedData = Open<
  | 'BUYER'
  | 'RECIPIENT'
  | 'PROCEEDS'
  | 'EXPENSE'
  | 'PROMOTION'
  | 'CANCELLATION'
  | 'FULFILLMENT'
  | 'PACKAGES'
  | 'TAX'
  | 'PAYMENT'
  | 'FULFILLMENT_ORDERS'
>;

export interface CustomerAddress {
  name?: string;
  companyName?: string;
  addressLine1?: string;
  addressLine2?: string;
  addressLine3?: string;
  city?: string;
  districtOrCounty?: string;
  stateOrRegion?: string;
  municipality?: string;
  postalCode?: string;
  countryCode?: string;
  phone?: string;
  addressType?: Open<'RESIDENTIAL' | 'COMMERCIAL' | 'PICKUP_POINT'>;
}

export interface Breakdown {
  type: string;
  subtotal: Money;
  /** Tax split into ITEM and SHIPPING (or other subtypes), when Amazon details it. */
  detailedBreakdowns?: { subtype: string; value: Money }[];
}

export interface AmazonOrderItem {
  orderItemId: string;
  quantityOrdered: number;
  programs?: string[];
  product: {
    asin?: string;
    title?: string;
    sellerSku?: string;
    condition?: { conditionType?: string; conditionSubtype?: string; conditionNote?: string };
    price?: { unitPrice?: Money; priceDesignation?: string };
    customization?: { customizedUrl?: string };
  };
  proceeds?: {
    proceedsTotal?: Money;
    breakdowns?: Breakdown[];
  };
  promotion?: { breakdowns?: { promotionId?: string }[] };
  cancellation?: {
    cancellationRequest?: { requester?: string; cancelReason?: string };
    cancellationExecution?: { cancelledBy?: Open<'BUYER' | 'MERCHANT' | 'AMAZON'>; cancelReason?: string };
  };
  fulfillment?: {
    quantityFulfilled?: number;
    quantityUnfulfilled?: number;
    /** The buyer's gift message is buyer data (Amazon's DPP). */
    packing?: { giftOption?: { giftMessage?: string; giftWrapLevel?: string } };
  };
}

export interface AmazonPackage {
  packageReferenceId: string;
  createdTime?: string;
  packageStatus?: {
    status: Open<'PENDING' | 'IN_TRANSIT' | 'SHIPPED' | 'DELIVERED' | 'CANCELLED' | 'UNDELIVERABLE'>;
  };
  carrier?: string;
  shipTime?: string;
  shippingService?: string;
  trackingNumber?: string;
  packageItems?: { orderItemId: string; quantity: number }[];
}

export interface AmazonOrder {
  orderId: string;
  orderAliases?: { aliasId: string; aliasType: string }[];
  createdTime: string;
  lastUpdatedTime: string;
  programs?: OrderProgram[];
  associatedOrders?: {
    orderId?: string;
    associationType?: Open<'REPLACEMENT_ORIGINAL_ID' | 'EXCHANGE_ORIGINAL_ID'>;
  }[];
  salesChannel: {
    channelName: Open<'AMAZON' | 'NON_AMAZON'>;
    marketplaceId?: string;
    marketplaceName?: string;
  };
  buyer?: {
    buyerName?: string;
    buyerEmail?: string;
    buyerCompanyName?: string;
    buyerPurchaseOrderNumber?: string;
  };
  recipient?: { deliveryAddress?: CustomerAddress };
  proceeds?: { grandTotal?: Money; breakdowns?: Breakdown[] };
  fulfillment?: {
    fulfillmentStatus: FulfillmentStatus;
    fulfilledBy?: Open<'MERCHANT' | 'AMAZON'>;
    fulfillmentServiceLevel?: Open<
      | 'EXPEDITED'
      | 'FREE_ECONOMY'
      | 'NEXT_DAY'
      | 'PRIORITY'
      | 'SAME_DAY'
      | 'SECOND_DAY'
      | 'SCHEDULED'
      | 'STANDARD'
    >;
    shipByWindow?: DateTimeRange;
    deliverByWindow?: DateTimeRange;
  };
  orderItems: AmazonOrderItem[];
  packages?: AmazonPackage[];
  /** Electronic invoicing (Brazil, Easy Ship): a shipped order may still wait for its invoice. */
  tax?: {
    taxInvoicing?: {
      invoiceStatus?: Open<'NOT_REQUIRED' | 'NOT_FOUND' | 'PROCESSING' | 'ERRORED' | 'ACCEPTED'>;
    };
  };
}

export interface SearchOrdersParams {
  marketplaceIds: string[];
  /** Exactly one of createdAfter / lastUpdatedAfter (ISO 8601). */
  createdAfter?: string;
  createdBefore?: string;
  lastUpdatedAfter?: string;
  lastUpdatedBefore?: string;
  fulfillmentStatuses?: FulfillmentStatus[];
  fulfilledBy?: Open<'MERCHANT' | 'AMAZON'>[];
  maxResultsPerPage?: number;
  includedData?: IncludedData[];
  /** The previous page's `nextToken`; the other parameters must repeat. */
  paginationToken?: string;
}

/** An order of a searchOrders page that failed validation; the rest of the page is still returned. */
export interface RejectedOrder {
  /** Null when the order id itself is missing or malformed. */
  orderId: string | null;
  /** What is wrong: operation, order, field and problem; never the field's value. */
  problem: string;
}

export interface SearchOrdersPage {
  orders: AmazonOrder[];
  rejectedOrders: RejectedOrder[];
  nextToken?: string;
  lastUpdatedBefore?: string;
  createdBefore?: string;
  /** Amazon's clock, from the response's `Date` header: windows are computed from it, not ours. */
  amazonTime: Date;
}

export interface CreatedFeedDocument {
  feedDocumentId: string;
  url: string;
  /**
   * Amazon's clock at the response, from its `Date` header (absent when the header is): a feed
   * created with this document afterwards has a `createdTime` no earlier.
   */
  amazonTime?: Date;
}

export interface GetFeedsPage {
  feeds: AmazonFeed[];
  nextToken?: string;
  /** Amazon's clock, from the response's `Date` header: feeds' `createdTime` is on this clock. */
  amazonTime: Date;
}

export interface ConfirmShipmentRequest {
  marketplaceId: string;
  packageDetail: {
    packageReferenceId: string;
    carrierCode: string;
    carrierName?: string;
    shippingMethod?: string;
    trackingNumber: string;
    shipDate: string;
    shipFromSupplySourceId?: string;
    orderItems: { orderItemId: string; quantity: number }[];
  };
}

// ---------------------------------------------------------------- Reports API 2021-06-30

export type ProcessingStatus = Open<'IN_QUEUE' | 'IN_PROGRESS' | 'DONE' | 'CANCELLED' | 'FATAL'>;

export interface AmazonReport {
  reportId: string;
  reportType: string;
  marketplaceIds?: string[];
  dataStartTime?: string;
  dataEndTime?: string;
  reportScheduleId?: string;
  createdTime: string;
  processingStatus: ProcessingStatus;
  processingStartTime?: string;
  processingEndTime?: string;
  reportDocumentId?: string;
}

export interface CreateReportRequest {
  reportType: string;
  marketplaceIds: string[];
  dataStartTime?: string;
  dataEndTime?: string;
  reportOptions?: Record<string, string>;
}

export interface GetReportsFilter {
  reportTypes?: string[];
  processingStatuses?: ProcessingStatus[];
  marketplaceIds?: string[];
  pageSize?: number;
  createdSince?: string;
  createdUntil?: string;
  /** When given, it must be the only filter (Amazon's rule). */
  nextToken?: string;
}

/** Where a report, feed or result document can be fetched (a presigned URL valid about 5 minutes). */
export interface DocumentLocation {
  documentId: string;
  url: string;
  compressionAlgorithm?: Open<'GZIP'>;
}

/** A document's body as it streams, with the Content-Type it was served with (its charset names the encoding). */
export type DocumentStream = Readable & { contentType?: string | undefined };

// ---------------------------------------------------------------- Feeds API 2021-06-30

export interface AmazonFeed {
  feedId: string;
  feedType: string;
  marketplaceIds?: string[];
  createdTime: string;
  processingStatus: ProcessingStatus;
  processingStartTime?: string;
  processingEndTime?: string;
  resultFeedDocumentId?: string;
}

export interface CreateFeedRequest {
  feedType: string;
  marketplaceIds: string[];
  inputFeedDocumentId: string;
  feedOptions?: Record<string, string>;
}

export interface GetFeedsFilter {
  feedTypes?: string[];
  marketplaceIds?: string[];
  pageSize?: number;
  processingStatuses?: ProcessingStatus[];
  createdSince?: string;
  createdUntil?: string;
  nextToken?: string;
}

// ---------------------------------------------------------------- Listings Items 2021-08-01

export interface ListingsPatch {
  op: Open<'add' | 'replace' | 'merge' | 'delete'>;
  path: string;
  value?: unknown[];
}

export interface ListingsItemSubmission {
  sku: string;
  status: Open<'ACCEPTED' | 'INVALID' | 'VALID'>;
  submissionId: string;
  issues?: { code: string; message: string; severity: string }[];
}

// ---------------------------------------------------------------- Finances v0

/** Amazon's FinancialEvents object for one order, kept as Amazon's shape (PascalCase, as v0 spells it). */
export type FinancialEvents = Record<string, unknown>;

// ---------------------------------------------------------------- Finances 2024-06-19

/** An amount of the Finances API: Amazon sends a JSON number; here the decimal string it prints as. */
export interface FinanceAmount {
  currencyCode: string;
  currencyAmount: string;
}

export interface FinanceBreakdown {
  breakdownType?: string | undefined;
  breakdownAmount?: FinanceAmount | undefined;
  breakdowns?: FinanceBreakdown[] | undefined;
}

export type RelatedIdentifierName = Open<
  | 'ORDER_ID'
  | 'SHIPMENT_ID'
  | 'FINANCIAL_EVENT_GROUP_ID'
  | 'REFUND_ID'
  | 'INVOICE_ID'
  | 'DISBURSEMENT_ID'
  | 'TRANSFER_ID'
  | 'DEFERRED_TRANSACTION_ID'
  | 'RELEASE_TRANSACTION_ID'
  | 'SETTLEMENT_ID'
>;

/** Extra facts of a transaction or item: `ProductContext` (sku, quantityShipped), `DeferredContext`, … */
export type FinanceContext = { contextType: string } & Record<string, unknown>;

export interface FinanceTransaction {
  sellingPartnerMetadata?: { sellingPartnerId?: string; accountType?: string; marketplaceId?: string };
  relatedIdentifiers?: { relatedIdentifierName: RelatedIdentifierName; relatedIdentifierValue: string }[];
  transactionType: Open<'Shipment' | 'Refund'>;
  transactionId?: string;
  transactionStatus?: Open<'DEFERRED' | 'RELEASED' | 'DEFERRED_RELEASED'>;
  description?: string;
  postedDate: string;
  totalAmount: FinanceAmount;
  marketplaceDetails?: { marketplaceId?: string; marketplaceName?: string };
  items?: {
    description?: string;
    relatedIdentifiers?: {
      itemRelatedIdentifierName: Open<
        'ORDER_ADJUSTMENT_ITEM_ID' | 'COUPON_ID' | 'REMOVAL_SHIPMENT_ITEM_ID' | 'TRANSACTION_ID'
      >;
      itemRelatedIdentifierValue: string;
    }[];
    totalAmount?: FinanceAmount;
    breakdowns?: FinanceBreakdown[];
    contexts?: FinanceContext[];
  }[];
  contexts?: FinanceContext[];
  breakdowns?: FinanceBreakdown[];
}

export interface ListTransactionsParams {
  /** Required unless a related identifier is given; more than two minutes before the request. */
  postedAfter?: string;
  postedBefore?: string;
  marketplaceId?: string;
  transactionStatus?: Open<'DEFERRED' | 'RELEASED' | 'DEFERRED_RELEASED'>;
  relatedIdentifierName?: Open<'ORDER_ID' | 'FINANCIAL_EVENT_GROUP_ID'>;
  relatedIdentifierValue?: string;
  nextToken?: string;
}

export interface TransactionsPage {
  transactions: FinanceTransaction[];
  /** Transactions that did not match Amazon's model, with why; the page's others are kept. */
  rejectedTransactions: { problem: string }[];
  nextToken?: string;
}

// ---------------------------------------------------------------- the port

export interface AmazonPort {
  searchOrders(params: SearchOrdersParams): Promise<SearchOrdersPage>;
  getOrder(orderId: string, includedData?: IncludedData[]): Promise<AmazonOrder>;
  confirmShipment(orderId: string, request: ConfirmShipmentRequest): Promise<void>;

  createReport(request: CreateReportRequest): Promise<{ reportId: string }>;
  getReport(reportId: string): Promise<AmazonReport>;
  /** `amazonTime`: Amazon's clock from the response's `Date` header (a cheap way to read it). */
  getReports(
    filter: GetReportsFilter,
  ): Promise<{ reports: AmazonReport[]; nextToken?: string; amazonTime: Date }>;
  cancelReport(reportId: string): Promise<void>;
  getReportDocument(reportDocumentId: string): Promise<DocumentLocation>;

  createFeedDocument(contentType: string): Promise<CreatedFeedDocument>;
  uploadFeedDocument(url: string, contentType: string, content: string | Buffer): Promise<void>;
  createFeed(request: CreateFeedRequest): Promise<{ feedId: string }>;
  getFeed(feedId: string): Promise<AmazonFeed>;
  getFeeds(filter: GetFeedsFilter): Promise<GetFeedsPage>;
  getFeedDocument(feedDocumentId: string): Promise<DocumentLocation>;

  /** Streams a report or result document, gunzipped when Amazon compressed it. */
  downloadDocument(location: DocumentLocation): Promise<DocumentStream>;
  /** Fetches an Amazon Custom customization zip (`customizedUrl`). */
  downloadCustomization(url: string): Promise<Buffer>;

  patchListingsItem(
    sellerId: string,
    sku: string,
    marketplaceIds: string[],
    body: { productType: string; patches: ListingsPatch[] },
  ): Promise<ListingsItemSubmission>;

  listFinancialEventsByOrderId(
    orderId: string,
    nextToken?: string,
  ): Promise<{ financialEvents: FinancialEvents; nextToken?: string }>;

  listTransactions(params: ListTransactionsParams): Promise<TransactionsPage>;
}
