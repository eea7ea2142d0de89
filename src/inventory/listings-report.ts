import { z } from 'zod';
import { ProcessingReportError, type ProcessingReport } from '../feeds/processing-report.js';

/**
 * The processing report of a JSON_LISTINGS_FEED (listings-feed-processing-report-schema-v2): issues
 * per messageId with a severity, and a summary. Read into the shape of Amazon's XML report, so the feed
 * pipeline judges it per message the same way: an ERROR issue rejects its message, a WARNING does not.
 */

const reportSchema = z.object({
  header: z.object({ feedId: z.string().optional() }).loose(),
  issues: z
    .array(
      z
        .object({
          messageId: z.number().int().optional(),
          sku: z.string().optional(),
          code: z.string(),
          message: z.string(),
          severity: z.string(),
        })
        .loose(),
    )
    .default([]),
  summary: z
    .object({
      messagesProcessed: z.number().int(),
      messagesAccepted: z.number().int(),
      messagesInvalid: z.number().int(),
      warnings: z.number().int().optional(),
    })
    .loose(),
});

export function parseListingsReport(text: string): ProcessingReport {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new ProcessingReportError(`the listings feed report is not JSON: ${(err as Error).message}`);
  }
  const parsed = reportSchema.safeParse(json);
  if (!parsed.success) {
    throw new ProcessingReportError(`the listings feed report is not as documented: ${parsed.error.message}`);
  }
  const { header, issues, summary } = parsed.data;
  return {
    documentTransactionId: header.feedId ?? '',
    statusCode: 'Complete',
    summary: {
      messagesProcessed: summary.messagesProcessed,
      messagesSuccessful: summary.messagesAccepted,
      messagesWithError: summary.messagesInvalid,
      messagesWithWarning: summary.warnings ?? null,
    },
    results: issues.map((issue) => ({
      messageId: issue.messageId ?? null,
      resultCode: issue.severity === 'ERROR' ? 'Error' : 'Warning',
      messageCode: issue.code,
      description: issue.message,
      additionalInfo: issue.sku ? { SKU: issue.sku } : {},
    })),
  };
}
