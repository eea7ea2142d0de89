import { z } from 'zod';
import { openEnum } from '../validate.js';

/** Reports, Feeds, Listings Items and Finances responses. */

const PROCESSING_STATUSES = ['IN_QUEUE', 'IN_PROGRESS', 'DONE', 'CANCELLED', 'FATAL'] as const;
const optionalText = z.string().optional();

export const reportSchema = z.looseObject({
  reportId: z.string(),
  reportType: z.string(),
  marketplaceIds: z.array(z.string()).optional(),
  dataStartTime: optionalText,
  dataEndTime: optionalText,
  reportScheduleId: optionalText,
  createdTime: z.string(),
  processingStatus: openEnum(PROCESSING_STATUSES),
  processingStartTime: optionalText,
  processingEndTime: optionalText,
  reportDocumentId: optionalText,
});

export const createReportResponseSchema = z.looseObject({ reportId: z.string() });
export const getReportsResponseSchema = z.looseObject({
  reports: z.array(reportSchema),
  nextToken: optionalText,
});
export const reportDocumentSchema = z.looseObject({
  reportDocumentId: z.string(),
  url: z.string(),
  compressionAlgorithm: openEnum(['GZIP']).optional(),
});

export const feedSchema = z.looseObject({
  feedId: z.string(),
  feedType: z.string(),
  marketplaceIds: z.array(z.string()).optional(),
  createdTime: z.string(),
  processingStatus: openEnum(PROCESSING_STATUSES),
  processingStartTime: optionalText,
  processingEndTime: optionalText,
  resultFeedDocumentId: optionalText,
});

export const createFeedResponseSchema = z.looseObject({ feedId: z.string() });
export const createFeedDocumentResponseSchema = z.looseObject({
  feedDocumentId: z.string(),
  url: z.string(),
});
export const getFeedsResponseSchema = z.looseObject({ feeds: z.array(feedSchema), nextToken: optionalText });
export const feedDocumentSchema = z.looseObject({
  feedDocumentId: z.string(),
  url: z.string(),
  compressionAlgorithm: openEnum(['GZIP']).optional(),
});

export const listingsSubmissionSchema = z.looseObject({
  sku: z.string(),
  status: openEnum(['ACCEPTED', 'INVALID', 'VALID']),
  submissionId: z.string(),
  issues: z
    .array(
      z.looseObject({
        code: z.string(),
        message: z.string(),
        severity: openEnum(['ERROR', 'WARNING', 'INFO']),
        attributeNames: z.array(z.string()).optional(),
        categories: z.array(z.string()).optional(),
      }),
    )
    .optional(),
  identifiers: z.array(z.unknown()).optional(),
});

/** Finances v0 wraps its answer in `payload`; FinancialEvents is kept whole, as Amazon's shape. */
export const financialEventsResponseSchema = z.looseObject({
  payload: z.looseObject({
    NextToken: optionalText,
    FinancialEvents: z.record(z.string(), z.unknown()).default({}),
  }),
});
