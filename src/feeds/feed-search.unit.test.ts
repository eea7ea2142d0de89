import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { AmazonFeed } from '../amazon/port.js';
import { canTransition, FEED_STATES } from './feed-states.js';
import {
  AMAZON_CLOCK_SLACK_MS,
  CLOCK_SKEW_MS,
  feedSearchSince,
  matchSubmittedFeed,
  SEARCH_MARGIN_MS,
} from './feed-search.js';
import type { Feed } from './feeds.repository.js';

const started = new Date('2026-11-21T10:00:00Z');
const feed = {
  id: 1,
  companyId: 1,
  kind: 'order-fulfillment',
  feedType: 'POST_ORDER_FULFILLMENT_DATA',
  marketplaceIds: ['ATVPDKIKX0DER'],
  state: 'submitting',
  submitStartedAt: started,
  submitStartedAmazonAt: null,
  createdAt: new Date(started.getTime() - 1000),
} as Feed;

function candidate(feedId: string, createdTime: Date, feedType = 'POST_ORDER_FULFILLMENT_DATA'): AmazonFeed {
  return { feedId, feedType, createdTime: createdTime.toISOString(), processingStatus: 'IN_QUEUE' };
}

describe('matchSubmittedFeed', () => {
  const at = (ms: number) => new Date(started.getTime() + ms);

  it('takes the earliest feed of the same type created since the attempt that is not already ours', () => {
    const match = matchSubmittedFeed(
      feed,
      [
        candidate('later', at(60_000)),
        candidate('ours-before', at(1_000)),
        candidate('mine', at(2_000)),
        candidate('other-type', at(500), 'POST_ORDER_ACKNOWLEDGEMENT_DATA'),
      ],
      new Set(['ours-before']),
      0,
    );
    expect(match?.feedId).toBe('mine');
  });

  it('ignores feeds created before the attempt, beyond the clock skew', () => {
    expect(
      matchSubmittedFeed(feed, [candidate('old', at(-CLOCK_SKEW_MS - 1000))], new Set(), 0),
    ).toBeUndefined();
    expect(
      matchSubmittedFeed(feed, [candidate('skewed', at(-CLOCK_SKEW_MS + 1000))], new Set(), 0)?.feedId,
    ).toBe('skewed');
  });

  it('compares on Amazon’s clock, with the offset measured from the getFeeds response', () => {
    const dayBehind = -86_400_000;
    expect(
      matchSubmittedFeed(feed, [candidate('amazon-time', at(dayBehind + 1000))], new Set(), dayBehind)
        ?.feedId,
    ).toBe('amazon-time');
    expect(
      matchSubmittedFeed(feed, [candidate('amazon-time', at(dayBehind + 1000))], new Set(), 0),
    ).toBeUndefined();
  });
});

describe('matchSubmittedFeed with Amazon’s clock recorded at the attempt', () => {
  // Amazon's clock read a day behind ours just before the attempt.
  const amazonAtAttempt = new Date(started.getTime() - 86_400_000);
  const recorded = { ...feed, submitStartedAmazonAt: amazonAtAttempt } as Feed;
  const amazon = (ms: number) => new Date(amazonAtAttempt.getTime() + ms);

  it('finds the landed feed whatever offset the search measures, an hour’s step of either clock included', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: -3 * 86_400_000, max: 3 * 86_400_000 }),
        fc.integer({ min: 0, max: 3_600_000 }),
        (offsetAtSearch, landedAfterMs) => {
          const landed = candidate('landed', amazon(landedAfterMs));
          return matchSubmittedFeed(recorded, [landed], new Set(), offsetAtSearch)?.feedId === 'landed';
        },
      ),
    );
  });

  it('ignores feeds Amazon created before its recorded time, beyond the slack, whatever the offset', () => {
    fc.assert(
      fc.property(fc.integer({ min: -3 * 86_400_000, max: 3 * 86_400_000 }), (offsetAtSearch) => {
        const before = candidate('before', amazon(-AMAZON_CLOCK_SLACK_MS - 1_000));
        return matchSubmittedFeed(recorded, [before], new Set(), offsetAtSearch) === undefined;
      }),
    );
  });

  it('without Amazon’s time (rows recorded before it was kept) an hour’s step hides the feed, as before', () => {
    const hourStep = 3_600_000;
    const landed = candidate('landed', amazon(1_000));
    expect(matchSubmittedFeed(feed, [landed], new Set(), -86_400_000)?.feedId).toBe('landed');
    expect(matchSubmittedFeed(feed, [landed], new Set(), -86_400_000 + hourStep)).toBeUndefined();
  });
});

describe('feedSearchSince', () => {
  it('asks getFeeds from well before the attempt, whatever the clocks say', () => {
    expect(feedSearchSince(feed, new Date(started.getTime() + 60_000))).toEqual(
      new Date(started.getTime() - SEARCH_MARGIN_MS),
    );
  });

  it('never asks further back than the 90 days Amazon accepts', () => {
    const now = new Date(started.getTime() + 89 * 86_400_000);
    const since = feedSearchSince(feed, now);
    expect(since.getTime()).toBeGreaterThan(now.getTime() - 90 * 86_400_000);
    expect(since.getTime()).toBeGreaterThan(started.getTime() - SEARCH_MARGIN_MS);
  });
});

describe('feed states', () => {
  it('only moves forward, and finished feeds never move again', () => {
    expect(canTransition('submitting', 'submitted')).toBe(true);
    expect(canTransition('submitted', 'submitting')).toBe(false);
    expect(canTransition('prepared', 'submitted')).toBe(false);
    for (const finished of ['done', 'cancelled', 'fatal', 'refused'] as const) {
      expect(FEED_STATES.filter((to) => canTransition(finished, to))).toEqual([]);
    }
  });
});
