import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { judgeReport } from './feed-verdicts.js';
import type { ProcessingReport, ProcessingResult } from './processing-report.js';

const result = (messageId: number, resultCode: 'Error' | 'Warning'): ProcessingResult => ({
  messageId,
  resultCode,
  messageCode: resultCode === 'Error' ? '18028' : '10001',
  description: `${resultCode} for ${messageId}`,
  additionalInfo: {},
});

function report(processed: number | null, results: ProcessingResult[]): ProcessingReport {
  const errors = new Set(results.filter((r) => r.resultCode === 'Error').map((r) => r.messageId)).size;
  return {
    documentTransactionId: '1',
    statusCode: 'Complete',
    summary:
      processed === null
        ? null
        : {
            messagesProcessed: processed,
            messagesSuccessful: processed - errors,
            messagesWithError: errors,
            messagesWithWarning: 0,
          },
    results,
  };
}

const entitiesOf = (count: number) =>
  Array.from({ length: count }, (_, i) => ({ messageId: i + 1, entityKind: 'shipment', entityId: 100 + i }));

describe('judging a processing report', () => {
  it('does not count as accepted a message the report does not account for (processed < sent)', () => {
    const judgement = judgeReport(report(2, [result(1, 'Error')]), entitiesOf(3));
    expect(judgement.kind).toBe('per-message');
    if (judgement.kind !== 'per-message') return;
    expect(judgement.verdicts.map((v) => [v.messageId, v.accepted])).toEqual([[1, false]]);
    expect(judgement.unaccounted.map((e) => e.messageId)).toEqual([2, 3]);
  });

  it('accepts the messages without a result when every message sent was processed', () => {
    const judgement = judgeReport(report(3, [result(2, 'Warning')]), entitiesOf(3));
    if (judgement.kind !== 'per-message') throw new Error('expected per-message verdicts');
    expect(judgement.verdicts.map((v) => v.accepted)).toEqual([true, true, true]);
    expect(judgement.unaccounted).toEqual([]);
  });

  it('never accepts more messages than the report says succeeded, whatever it reports', () => {
    fc.assert(
      fc.property(
        fc
          .integer({ min: 1, max: 40 })
          .chain((sent) =>
            fc.tuple(
              fc.constant(sent),
              fc.option(fc.integer({ min: 0, max: sent }), { nil: null }),
              fc.subarray(Array.from({ length: sent }, (_, i) => i + 1)),
              fc.subarray(Array.from({ length: sent }, (_, i) => i + 1)),
            ),
          ),
        ([sent, processedOrNull, errorIds, warningIds]) => {
          const withResult = new Set([...errorIds, ...warningIds]).size;
          // A report never says it processed fewer messages than it has results for.
          const processed = processedOrNull === null ? null : Math.max(processedOrNull, withResult);
          const results = [
            ...errorIds.map((id) => result(id, 'Error')),
            ...warningIds.map((id) => result(id, 'Warning')),
          ];
          const judgement = judgeReport(report(processed, results), entitiesOf(sent));
          if (judgement.kind !== 'per-message') return;
          const accepted = judgement.verdicts.filter((v) => v.accepted).length;
          const successful = processed === null ? sent - errorIds.length : processed - new Set(errorIds).size;
          expect(accepted).toBeLessThanOrEqual(processed === null ? new Set(warningIds).size : successful);
          expect(judgement.verdicts.length + judgement.unaccounted.length).toBe(sent);
          for (const id of errorIds) {
            expect(judgement.verdicts.find((v) => v.messageId === id)?.accepted).toBe(false);
          }
        },
      ),
    );
  });
});
