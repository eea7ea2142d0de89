import { XMLParser } from 'fast-xml-parser';
import { z } from 'zod';

/**
 * Amazon's ProcessingReport, the result document of an XML feed:
 * `AmazonEnvelope/Message/ProcessingReport { DocumentTransactionID, StatusCode, ProcessingSummary?, Result* }`.
 */

export interface ProcessingResult {
  /** The MessageID of our feed this result is about; null for an envelope-level result. */
  messageId: number | null;
  resultCode: 'Error' | 'Warning' | (string & {});
  messageCode: string;
  description: string;
  additionalInfo: Record<string, string>;
}

export interface ProcessingReport {
  documentTransactionId: string;
  statusCode: 'Complete' | 'Processing' | 'Rejected' | (string & {}) | null;
  summary: {
    messagesProcessed: number | null;
    messagesSuccessful: number | null;
    messagesWithError: number | null;
    messagesWithWarning: number | null;
  } | null;
  results: ProcessingResult[];
}

export class ProcessingReportError extends Error {
  override name = 'ProcessingReportError';
}

const text = z.union([z.string(), z.number()]).transform(String);
const count = text.pipe(z.string().regex(/^\d+$/, { error: 'expected a whole number' })).transform(Number);

const resultSchema = z.object({
  MessageID: text.optional(),
  ResultCode: text,
  ResultMessageCode: text.optional(),
  ResultDescription: text.optional(),
  AdditionalInfo: z.record(z.string(), text).optional(),
});

const reportSchema = z.object({
  DocumentTransactionID: text,
  StatusCode: text.optional(),
  ProcessingSummary: z
    .object({
      MessagesProcessed: count.optional(),
      MessagesSuccessful: count.optional(),
      MessagesWithError: count.optional(),
      MessagesWithWarning: count.optional(),
    })
    .optional(),
  Result: z.array(resultSchema).optional(),
});

const envelopeSchema = z.object({
  AmazonEnvelope: z.object({
    MessageType: z.literal('ProcessingReport', { error: 'expected MessageType ProcessingReport' }),
    Message: z.array(z.object({ ProcessingReport: reportSchema })).min(1),
  }),
});

const parser = new XMLParser({
  ignoreAttributes: true,
  parseTagValue: false,
  trimValues: true,
  isArray: (name) => name === 'Message' || name === 'Result',
});

function toResult(result: z.infer<typeof resultSchema>): ProcessingResult {
  const messageId =
    result.MessageID !== undefined && /^[1-9]\d*$/.test(result.MessageID) ? Number(result.MessageID) : null;
  return {
    messageId,
    resultCode: result.ResultCode,
    messageCode: result.ResultMessageCode ?? '',
    description: result.ResultDescription ?? '',
    additionalInfo: result.AdditionalInfo ?? {},
  };
}

export function parseProcessingReport(xml: string): ProcessingReport {
  let document: unknown;
  try {
    document = parser.parse(xml, true);
  } catch (err) {
    throw new ProcessingReportError(`processing report is not well-formed XML: ${(err as Error).message}`);
  }
  const parsed = envelopeSchema.safeParse(document);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ProcessingReportError(
      `processing report: ${issue ? `${issue.path.join('.')}: ${issue.message}` : 'unexpected shape'}`,
    );
  }
  const [message] = parsed.data.AmazonEnvelope.Message;
  const report = message!.ProcessingReport;
  const summary = report.ProcessingSummary;
  return {
    documentTransactionId: report.DocumentTransactionID,
    statusCode: report.StatusCode ?? null,
    summary: summary
      ? {
          messagesProcessed: summary.MessagesProcessed ?? null,
          messagesSuccessful: summary.MessagesSuccessful ?? null,
          messagesWithError: summary.MessagesWithError ?? null,
          messagesWithWarning: summary.MessagesWithWarning ?? null,
        }
      : null,
    results: (report.Result ?? []).map(toResult),
  };
}
