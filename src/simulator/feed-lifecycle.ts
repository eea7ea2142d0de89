import { storeDocument } from './documents.js';
import { applyOrderFeed, ORDER_FEED_TYPES, parseOrderFeed } from './feed-processor.js';
import { applyListingsFeed, LISTINGS_FEED_TYPE } from './listings-feed-processor.js';
import { writeProcessingReport, type MessageResult } from './processing-report.js';
import type { SimFeed } from './records.js';
import type { Simulation } from './simulation.js';

function fatalResult(description: string): MessageResult {
  return { messageId: '0', resultCode: 'Error', messageCode: 5001, description };
}

function fatalReason(feed: SimFeed, forcedFatal: boolean): string | undefined {
  if (forcedFatal) return 'The feed could not be processed because of an internal error. Resubmit the feed.';
  if (feed.feedType === LISTINGS_FEED_TYPE) {
    return feed.validation.valid ? undefined : `JSON Parsing Error: ${feed.validation.errors.join('; ')}`;
  }
  if (!(feed.feedType in ORDER_FEED_TYPES))
    return `Feed type ${feed.feedType} is not processed by this marketplace.`;
  if (!feed.validation.valid)
    return `XML Parsing Fatal Error: ${feed.validation.errors[0] ?? 'the XML is invalid'}`;
  const messageType = parseOrderFeed(feed.content).messageType;
  if (messageType !== ORDER_FEED_TYPES[feed.feedType]) {
    return `MessageType ${messageType} does not match feed type ${feed.feedType}.`;
  }
  return undefined;
}

/** A listings feed answers with a JSON report; FATAL ones too (an envelope-level issue, no message applied). */
function finishListings(sim: Simulation, feed: SimFeed, fatal: string | undefined, at: Date): void {
  feed.processingStatus = fatal === undefined ? 'DONE' : 'FATAL';
  const report =
    fatal === undefined
      ? applyListingsFeed(sim, feed)
      : JSON.stringify({
          header: { sellerId: feed.sellerId, version: '2.0', feedId: feed.feedId },
          issues: [{ code: '4000000', severity: 'ERROR', message: fatal }],
          summary: { errors: 1, warnings: 0, messagesProcessed: 0, messagesAccepted: 0, messagesInvalid: 0 },
        });
  feed.processingEndTime = at;
  const document = storeDocument(sim, feed.sellerId, 'feed-result', 'application/json', report, false, at);
  feed.resultFeedDocumentId = document.documentId;
}

function finish(sim: Simulation, feed: SimFeed, forcedFatal: boolean, at: Date): void {
  const fatal = fatalReason(feed, forcedFatal);
  if (feed.feedType === LISTINGS_FEED_TYPE) return finishListings(sim, feed, fatal, at);
  let report: string;
  if (fatal !== undefined) {
    feed.processingStatus = 'FATAL';
    report = writeProcessingReport(feed.sellerId, feed.feedId, 0, [fatalResult(fatal)]);
  } else {
    const parsed = parseOrderFeed(feed.content);
    const results = applyOrderFeed(sim, feed.sellerId, parsed, at);
    feed.processingStatus = 'DONE';
    report = writeProcessingReport(feed.sellerId, feed.feedId, parsed.messages.length, results);
  }
  feed.processingEndTime = at;
  const document = storeDocument(sim, feed.sellerId, 'feed-result', 'text/xml', report, false, at);
  feed.resultFeedDocumentId = document.documentId;
}

/** IN_QUEUE → IN_PROGRESS → DONE | FATAL; the feed is applied to the orders (or listings) when it finishes. */
export function scheduleFeedProcessing(sim: Simulation, feed: SimFeed, forcedFatal: boolean): void {
  const { feedQueueMs, feedProcessingMs } = sim.settings;
  sim.events.schedule(new Date(feed.createdTime.getTime() + feedQueueMs), (at) => {
    if (feed.processingStatus !== 'IN_QUEUE') return;
    feed.processingStatus = 'IN_PROGRESS';
    feed.processingStartTime = at;
    sim.events.schedule(new Date(at.getTime() + feedProcessingMs), (doneAt) =>
      finish(sim, feed, forcedFatal, doneAt),
    );
  });
}
