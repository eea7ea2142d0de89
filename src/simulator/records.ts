import type { FeedValidation } from '../amazon/feed-schema.js';

/** Reports, feeds and documents as the simulator keeps them. */

export type ProcessingStatus = 'IN_QUEUE' | 'IN_PROGRESS' | 'DONE' | 'CANCELLED' | 'FATAL';

export interface SimReport {
  reportId: string;
  sellerId: string;
  reportType: string;
  marketplaceIds: string[];
  dataStartTime?: Date;
  dataEndTime?: Date;
  createdTime: Date;
  processingStatus: ProcessingStatus;
  processingStartTime?: Date;
  processingEndTime?: Date;
  reportDocumentId?: string;
}

export interface SimFeed {
  feedId: string;
  sellerId: string;
  feedType: string;
  marketplaceIds: string[];
  createdTime: Date;
  processingStatus: ProcessingStatus;
  processingStartTime?: Date;
  processingEndTime?: Date;
  resultFeedDocumentId?: string;
  inputFeedDocumentId: string;
  content: string;
  validation: FeedValidation;
}

export interface SimDocument {
  documentId: string;
  sellerId: string;
  purpose: 'report' | 'feed-input' | 'feed-result';
  contentType: string;
  /** Stored as served: gzipped when `compressed`. */
  content: Buffer | undefined;
  compressed: boolean;
  createdTime: Date;
}

export interface SimListing {
  sellerId: string;
  sku: string;
  marketplaceIds: string[];
  productType: string;
  quantity: number | null;
  updatedTime: Date;
  submissions: number;
}

/** What sellersync sent, for tests and the demo to inspect (access tokens and secrets left out). */
export interface RecordedRequest {
  requestId: string;
  time: string;
  method: string;
  path: string;
  query: Record<string, string>;
  operation: string;
  status: number;
  body?: string;
}

/** A searchOrders result cut into pages: the matching orders are fixed when the first page is asked for. */
export interface PageCursor {
  signature: string;
  orderIds: string[];
  offset: number;
  sellerId: string;
  expiresAt: Date;
  echo: { lastUpdatedBefore?: string; createdBefore?: string };
}
