import { describe, expect, it } from 'vitest';
import { choosePlan, estimateBacklog, reportFloorSeconds, searchFloorSeconds } from './download-plan.js';
import { isAheadOfAmazon, windowEnd, windowStart } from './download-window.js';
import type { OrderSettings } from '../config.js';

const SETTINGS: OrderSettings = {
  backfillDays: 7,
  windowOverlapMinutes: 5,
  atRiskHours: 24,
  buyerDataRetentionDays: 30,
  reportQueueTimeoutMinutes: 20,
  reportProcessingTimeoutMinutes: 120,
  reportExpectedSeconds: 600,
};

describe('choosing the download plan', () => {
  it('keeps searchOrders while the pages fit in the burst', () => {
    const choice = choosePlan({ orders: 1_500, toShip: 400, searchTokens: 20, reportSeconds: 600 });
    expect(choice.plan).toBe('search');
    expect(choice.searchFloorSeconds).toBe(0);
  });

  it('takes the report for 10,000 orders: 100 pages at one per 180 s cost hours, the report minutes', () => {
    const inputs = { orders: 10_000, toShip: 1_500, searchTokens: 20, reportSeconds: 600 };
    const choice = choosePlan(inputs);
    expect(choice.plan).toBe('report');
    // 80 pages beyond the burst at 0.0056 calls per second.
    expect(searchFloorSeconds(inputs)).toBeCloseTo(80 / 0.0056, 3);
    // 15 buyer-data pages fit the burst: the report's own processing time dominates.
    expect(reportFloorSeconds(inputs)).toBeCloseTo(600, 3);
    expect(choice.reportFloorSeconds).toBeLessThan(choice.searchFloorSeconds);
  });

  it('counts the buyer-data pages against the same searchOrders bucket, read while the report is produced', () => {
    const inputs = { orders: 10_000, toShip: 5_000, searchTokens: 20, reportSeconds: 60 };
    expect(reportFloorSeconds(inputs)).toBeCloseTo(30 / 0.0056, 3);
    expect(reportFloorSeconds({ ...inputs, toShip: 2_100 })).toBeCloseTo(Math.max(60, 1 / 0.0056), 3);
    expect(reportFloorSeconds({ ...inputs, toShip: 100 })).toBeCloseTo(60, 3);
  });

  it('estimates the backlog from the rate of updates across a sorted first page', () => {
    const start = new Date('2026-11-01T00:00:00Z');
    const end = new Date('2026-11-08T00:00:00Z');
    // The seller's orders begin on day 6: 100 orders in the first 99 minutes, then 1,341 more minutes to go.
    const firstOrder = new Date('2026-11-07T00:00:00Z').getTime();
    const times = Array.from({ length: 100 }, (_, i) => new Date(firstOrder + i * 60_000));
    const estimate = estimateBacklog(
      { windowStart: start, windowEnd: end, lastUpdatedTimes: times, toShip: 30, hasMore: true },
      0,
    );
    expect(estimate.orders).toBe(100 + 1_341);
    expect(estimate.toShip).toBe(Math.ceil(0.3 * 1_441));
  });

  it('falls back on the company’s recent volume when the page is not in time order', () => {
    const start = new Date('2026-11-01T00:00:00Z');
    const end = new Date('2026-11-02T00:00:00Z');
    const times = [new Date('2026-11-01T20:00:00Z'), new Date('2026-11-01T01:00:00Z')];
    const estimate = estimateBacklog(
      { windowStart: start, windowEnd: end, lastUpdatedTimes: times, toShip: 1, hasMore: true },
      5_000,
    );
    expect(estimate.orders).toBe(5_000);
    expect(
      estimateBacklog(
        { windowStart: start, windowEnd: end, lastUpdatedTimes: times, toShip: 1, hasMore: false },
        5_000,
      ).orders,
    ).toBe(2);
  });
});

describe('planning the window', () => {
  const now = new Date('2026-11-21T12:00:00Z');

  it('starts a first download the backfill lookback ago', () => {
    expect(windowStart({}, SETTINGS, now).toISOString()).toBe('2026-11-14T12:00:00.000Z');
  });

  it('starts the next window the overlap before the committed position', () => {
    const cursor = { committedUntil: '2026-11-21T11:20:00.000Z', clockOffsetMs: -5 * 60_000 };
    expect(windowStart(cursor, SETTINGS, now).toISOString()).toBe('2026-11-21T11:15:00.000Z');
    expect(isAheadOfAmazon(cursor, now)).toBe(false);
  });

  it('knows a committed position later than Amazon’s now less two minutes for one a wrong clock made', () => {
    expect(isAheadOfAmazon({ committedUntil: '2026-11-21T11:58:30.000Z' }, now)).toBe(true);
    expect(isAheadOfAmazon({ committedUntil: '2026-11-24T09:00:00.000Z' }, now)).toBe(true);
    expect(isAheadOfAmazon({ committedUntil: '2026-11-21T11:58:00.000Z' }, now)).toBe(false);
    expect(isAheadOfAmazon({}, now)).toBe(false);
  });

  it('never reaches back further than Amazon’s two years', () => {
    const start = windowStart({}, { ...SETTINGS, backfillDays: 730 }, now);
    expect(now.getTime() - start.getTime()).toBeLessThan(730 * 86_400_000);
  });

  it('ends the window where Amazon ended it, or two minutes before Amazon’s clock, whatever ours says', () => {
    const amazonTime = new Date('2026-11-21T11:55:00Z');
    expect(windowEnd('2026-11-21T11:52:59Z', amazonTime).toISOString()).toBe('2026-11-21T11:52:59.000Z');
    expect(windowEnd(undefined, amazonTime).toISOString()).toBe('2026-11-21T11:53:00.000Z');
    // An echo later than the two-minute rule allows is not trusted.
    expect(windowEnd('2026-11-21T11:54:30Z', amazonTime).toISOString()).toBe('2026-11-21T11:53:00.000Z');
  });
});
