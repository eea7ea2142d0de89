import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { judgeReport } from './feed-verdicts.js';
import { parseProcessingReport, ProcessingReportError } from './processing-report.js';

const sample = (name: string) =>
  readFileSync(`../shared/amazon/samples/processing-report.${name}.xml`, 'utf8');

describe('parseProcessingReport', () => {
  it('reads the summary and every Result of a real order-feed report', () => {
    const report = parseProcessingReport(sample('order-errors-18028.interchange-amazon-mws'));
    expect(report.statusCode).toBe('Complete');
    expect(report.summary).toEqual({
      messagesProcessed: 4,
      messagesSuccessful: 1,
      messagesWithError: 3,
      messagesWithWarning: 0,
    });
    expect(report.results.map((r) => [r.messageId, r.resultCode, r.messageCode])).toEqual([
      [1, 'Error', '18028'],
      [2, 'Error', '18028'],
      [4, 'Error', '18028'],
    ]);
    expect(report.results[0]!.additionalInfo).toEqual({ AmazonOrderID: '302-6666666-6666666' });
  });

  it('reads a report with no results', () => {
    const report = parseProcessingReport(sample('complete-no-errors.real-mws-recording.scaleleap'));
    expect(report.results).toEqual([]);
    expect(report.summary?.messagesSuccessful).toBe(1);
  });

  it('refuses a document that is not a processing report', () => {
    expect(() =>
      parseProcessingReport('<AmazonEnvelope><MessageType>OrderFulfillment</MessageType></AmazonEnvelope>'),
    ).toThrow(ProcessingReportError);
  });
});

describe('judgeReport', () => {
  const entities = [1, 2, 3, 4].map((messageId) => ({
    messageId,
    entityKind: 'shipment',
    entityId: messageId * 10,
  }));

  it('rejects exactly the messages with an Error result and accepts the others', () => {
    const judgement = judgeReport(
      parseProcessingReport(sample('order-errors-18028.interchange-amazon-mws')),
      entities,
    );
    expect(judgement.kind).toBe('per-message');
    if (judgement.kind !== 'per-message') return;
    expect(judgement.verdicts.map((v) => [v.entityId, v.accepted, v.resultCode])).toEqual([
      [10, false, '18028'],
      [20, false, '18028'],
      [30, true, null],
      [40, false, '18028'],
    ]);
    expect(judgement.verdicts[0]!.description).toContain('incomplete or invalid');
  });

  it('treats a report without a Complete status as a rejected document', () => {
    const judgement = judgeReport(parseProcessingReport(sample('minimal.docs-example.scaleleap')), entities);
    expect(judgement).toEqual({ kind: 'document-rejected', reason: 'processing report status missing' });
  });
});
