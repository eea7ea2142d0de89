import type { FeedEntity, MessageVerdict } from './feed-applier.js';
import type { ProcessingReport, ProcessingResult } from './processing-report.js';

export type ReportJudgement =
  | {
      kind: 'per-message';
      verdicts: MessageVerdict[];
      /** Messages the report does not account for (it processed fewer than were sent): neither accepted nor rejected. */
      unaccounted: FeedEntity[];
    }
  | { kind: 'document-rejected'; reason: string };

function describe(results: ProcessingResult[]): string {
  return results
    .map((r) => (r.messageCode ? `${r.messageCode}: ${r.description}` : r.description))
    .join(' | ');
}

/**
 * Turns a processing report into a verdict per message. A message with an Error result is rejected;
 * one with only warnings is accepted, and so is one without any result when the report's summary
 * processed every message sent. When it processed fewer, the messages without a result are not
 * accounted for: they are neither accepted nor rejected, and go back to wait. A report that is not
 * Complete, or that processed no message while reporting an envelope-level error, rejects the whole
 * document.
 */
export function judgeReport(report: ProcessingReport, entities: FeedEntity[]): ReportJudgement {
  const known = new Set(entities.map((entity) => entity.messageId));
  const documentErrors = report.results.filter(
    (r) => r.resultCode === 'Error' && (r.messageId === null || !known.has(r.messageId)),
  );
  if (report.statusCode !== 'Complete') {
    const detail = documentErrors.length > 0 ? `: ${describe(documentErrors)}` : '';
    return {
      kind: 'document-rejected',
      reason: `processing report status ${report.statusCode ?? 'missing'}${detail}`,
    };
  }
  if (documentErrors.length > 0 && report.summary?.messagesProcessed === 0) {
    return { kind: 'document-rejected', reason: describe(documentErrors) };
  }
  const byMessage = new Map<number, ProcessingResult[]>();
  for (const result of report.results) {
    if (result.messageId === null) continue;
    byMessage.set(result.messageId, [...(byMessage.get(result.messageId) ?? []), result]);
  }
  const processed = report.summary?.messagesProcessed ?? null;
  const everyMessageProcessed = processed !== null && processed >= entities.length;
  const verdicts: MessageVerdict[] = [];
  const unaccounted: FeedEntity[] = [];
  for (const entity of entities) {
    const results = byMessage.get(entity.messageId) ?? [];
    if (results.length === 0 && !everyMessageProcessed) unaccounted.push(entity);
    else verdicts.push(verdictOf(entity, results));
  }
  return { kind: 'per-message', verdicts, unaccounted };
}

function verdictOf(entity: FeedEntity, results: ProcessingResult[]): MessageVerdict {
  const errors = results.filter((r) => r.resultCode === 'Error');
  if (errors.length > 0) {
    return {
      ...entity,
      accepted: false,
      resultCode: errors.map((r) => r.messageCode).join(','),
      description: describe(errors),
    };
  }
  return {
    ...entity,
    accepted: true,
    resultCode: null,
    description: results.length > 0 ? describe(results) : null,
  };
}
