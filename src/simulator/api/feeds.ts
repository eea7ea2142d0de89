import { z } from 'zod';
import { validateOrderFeed } from '../../amazon/feed-schema.js';
import { DAY, isoSeconds } from '../clock.js';
import { documentUrl } from '../documents.js';
import { ORDER_FEED_TYPES } from '../feed-processor.js';
import { scheduleFeedProcessing } from '../feed-lifecycle.js';
import { LISTINGS_FEED_TYPE, validateListingsFeed } from '../listings-feed-processor.js';
import {
  invalidInput,
  json,
  notFound,
  parseBody,
  parseTime,
  queryList,
  route,
  type Route,
  type SimRequest,
} from '../http.js';
import type { SimFeed } from '../records.js';
import type { Simulation } from '../simulation.js';

/** Feeds API 2021-06-30. */

function feedView(feed: SimFeed): Record<string, unknown> {
  return {
    feedId: feed.feedId,
    feedType: feed.feedType,
    marketplaceIds: feed.marketplaceIds,
    createdTime: isoSeconds(feed.createdTime),
    processingStatus: feed.processingStatus,
    ...(feed.processingStartTime ? { processingStartTime: isoSeconds(feed.processingStartTime) } : {}),
    ...(feed.processingEndTime ? { processingEndTime: isoSeconds(feed.processingEndTime) } : {}),
    ...(feed.resultFeedDocumentId ? { resultFeedDocumentId: feed.resultFeedDocumentId } : {}),
  };
}

function createFeedDocument(sim: Simulation, request: SimRequest) {
  const now = sim.now();
  const { contentType } = parseBody(request, z.object({ contentType: z.string().min(1) }));
  const documentId = sim.store.newDocumentId();
  sim.store.documents.set(documentId, {
    documentId,
    sellerId: request.sellerId,
    purpose: 'feed-input',
    contentType,
    content: undefined,
    compressed: false,
    createdTime: now,
  });
  return json(201, { feedDocumentId: documentId, url: documentUrl(sim, documentId, now, 'upload') });
}

const createFeedSchema = z.object({
  feedType: z.string().min(1),
  marketplaceIds: z.array(z.string().min(1)).min(1).max(25),
  inputFeedDocumentId: z.string().min(1),
  feedOptions: z.record(z.string(), z.string()).optional(),
});

async function createFeed(sim: Simulation, request: SimRequest) {
  const now = sim.now();
  const body = parseBody(request, createFeedSchema);
  const input = sim.store.documents.get(body.inputFeedDocumentId);
  if (!input || input.purpose !== 'feed-input' || input.sellerId !== request.sellerId) {
    throw invalidInput(`Invalid inputFeedDocumentId ${body.inputFeedDocumentId}.`);
  }
  if (input.content === undefined)
    throw invalidInput(`Nothing was uploaded for feed document ${body.inputFeedDocumentId}.`);
  if (now.getTime() - input.createdTime.getTime() > 2 * DAY)
    throw invalidInput('The feed document has expired (older than 2 days).');
  const content = input.content.toString('utf8');
  const validation =
    body.feedType in ORDER_FEED_TYPES
      ? await validateOrderFeed(content)
      : body.feedType === LISTINGS_FEED_TYPE
        ? validateListingsFeed(content)
        : { valid: true, errors: [] };
  const feed: SimFeed = {
    feedId: sim.store.newFeedId(),
    sellerId: request.sellerId,
    feedType: body.feedType,
    marketplaceIds: body.marketplaceIds,
    createdTime: now,
    processingStatus: 'IN_QUEUE',
    inputFeedDocumentId: input.documentId,
    content,
    validation,
  };
  sim.store.feeds.set(feed.feedId, feed);
  scheduleFeedProcessing(sim, feed, sim.faults.takeSticky('feed-fatal'));
  return json(202, { feedId: feed.feedId });
}

function ownFeed(sim: Simulation, request: SimRequest): SimFeed {
  const feed = sim.store.feeds.get(request.params.feedId ?? '');
  if (!feed || feed.sellerId !== request.sellerId)
    throw notFound(`Feed ${request.params.feedId ?? ''} was not found.`);
  return feed;
}

function getFeed(sim: Simulation, request: SimRequest) {
  sim.now();
  return json(200, feedView(ownFeed(sim, request)));
}

function cancelFeed(sim: Simulation, request: SimRequest) {
  sim.now();
  const feed = ownFeed(sim, request);
  if (feed.processingStatus !== 'IN_QUEUE')
    throw invalidInput(`Feed ${feed.feedId} is ${feed.processingStatus} and can no longer be cancelled.`);
  feed.processingStatus = 'CANCELLED';
  return json(200, {});
}

function getFeeds(sim: Simulation, request: SimRequest) {
  const now = sim.now();
  const token = request.query.get('nextToken');
  const filter = token
    ? new URLSearchParams(Buffer.from(token, 'base64url').toString('utf8'))
    : request.query;
  const offset = Number(filter.get('offset') ?? '0');
  const types = queryList(filter, 'feedTypes');
  if (types.length === 0) throw invalidInput('feedTypes is required unless nextToken is given.');
  const statuses = queryList(filter, 'processingStatuses');
  const pageSize = Number(filter.get('pageSize') ?? '10');
  if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > 100)
    throw invalidInput('pageSize must be between 1 and 100.');
  const since = parseTime(filter.get('createdSince'), 'createdSince') ?? new Date(now.getTime() - 90 * DAY);
  const matching = [...sim.store.feeds.values()]
    .filter((feed) => feed.sellerId === request.sellerId && types.includes(feed.feedType))
    .filter(
      (feed) =>
        (statuses.length === 0 || statuses.includes(feed.processingStatus)) && feed.createdTime >= since,
    )
    .sort((a, b) => b.createdTime.getTime() - a.createdTime.getTime());
  const body: Record<string, unknown> = { feeds: matching.slice(offset, offset + pageSize).map(feedView) };
  if (offset + pageSize < matching.length) {
    const next = new URLSearchParams(filter);
    next.set('offset', String(offset + pageSize));
    body.nextToken = Buffer.from(next.toString()).toString('base64url');
  }
  return json(200, body);
}

function getFeedDocument(sim: Simulation, request: SimRequest) {
  const now = sim.now();
  const id = request.params.feedDocumentId ?? '';
  const document = sim.store.documents.get(id);
  if (!document || document.sellerId !== request.sellerId || document.purpose === 'report')
    throw notFound(`Feed document ${id} was not found.`);
  return json(200, {
    feedDocumentId: id,
    url: documentUrl(sim, id, now, 'download'),
    ...(document.compressed ? { compressionAlgorithm: 'GZIP' } : {}),
  });
}

export const feedRoutes: Route[] = [
  route('POST', '/feeds/2021-06-30/documents', 'sp-api', 'createFeedDocument', createFeedDocument),
  route('GET', '/feeds/2021-06-30/documents/{feedDocumentId}', 'sp-api', 'getFeedDocument', getFeedDocument),
  route('POST', '/feeds/2021-06-30/feeds', 'sp-api', 'createFeed', createFeed),
  route('GET', '/feeds/2021-06-30/feeds', 'sp-api', 'getFeeds', getFeeds),
  route('GET', '/feeds/2021-06-30/feeds/{feedId}', 'sp-api', 'getFeed', getFeed),
  route('DELETE', '/feeds/2021-06-30/feeds/{feedId}', 'sp-api', 'cancelFeed', cancelFeed),
];
