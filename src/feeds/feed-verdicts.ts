import type { FeedEntity, MessageVerdict } from './feed-applier.js';
import type { ProcessingReport, ProcessingResult } from './processing-report.js';

export type ReportJudgement =
  { kind: 'per-message'; verdicts: MessageVerdict[] } | { kind: 'document-rejected'; reason: string };

function describe(results: ProcessingResult[]): string {
  return results
    .map((r) => (r.messageCode ? `${r.messageCode}: ${r.description}` : r.description))
    .join(' | ');
}

/**
 * Turns a processing report into a verdict per message. A message with an Error result is rejected;
 * one with only warnings, or none, is accepted. A report that is not Complete, or that processed no
 * message while reporting an envelope-level error, rejects the whole document.
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
  const verdicts = entities.map((entity): MessageVerdict => {
    const results = byMessage.get(entity.messageId) ?? [];
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
  });
  return { kind: 'per-message', verdicts };
}
