import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AmazonError, type AmazonErrorKind } from '../amazon/errors.js';
import { classifyCreateFeedFailure, landingHorizonEnd, mayStillLand } from './feed-landing.js';
import type { Feed } from './feeds.repository.js';

const amazon = (kind: AmazonErrorKind, status?: number) =>
  new AmazonError('no', { kind, operation: 'createFeed', status });

describe('what a failed createFeed means', () => {
  it('releases the entities only for a refusal Amazon answered with a 4xx', () => {
    expect(classifyCreateFeedFailure(amazon('invalid_request', 400))).toBe('refused');
    expect(classifyCreateFeedFailure(amazon('invalid_request', 413))).toBe('refused');
    expect(classifyCreateFeedFailure(amazon('not_found', 404))).toBe('refused');
  });

  it('treats an exception of ours, even one typed as an invalid request, as an attempt that may have landed', () => {
    // What the gateway makes of an error thrown on our side (no HTTP status from Amazon).
    expect(classifyCreateFeedFailure(amazon('invalid_request'))).toBe('unknown');
    expect(classifyCreateFeedFailure(new TypeError('cannot read properties of undefined'))).toBe('unknown');
    expect(classifyCreateFeedFailure(amazon('transient', 503))).toBe('unknown');
    expect(classifyCreateFeedFailure(amazon('transient'))).toBe('unknown');
  });

  it('sends again at once what Amazon answered without creating (throttled, token or grant refused)', () => {
    expect(classifyCreateFeedFailure(amazon('throttled', 429))).toBe('not-created');
    expect(classifyCreateFeedFailure(amazon('token_expired', 403))).toBe('not-created');
    expect(classifyCreateFeedFailure(amazon('authorization_revoked', 400))).toBe('not-created');
  });
});

describe('the landing horizon', () => {
  const started = Date.parse('2026-11-21T10:00:00Z');
  const feed = (state: Feed['state']) =>
    ({ state, submitStartedAt: new Date(started), createdAt: new Date(0) }) as Feed;

  it('holds a feed in submitting until its attempt is a horizon old, and no other', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 60_000, max: 86_400_000 }),
        fc.integer({ min: -86_400_000, max: 2 * 86_400_000 }),
        (horizonMs, sinceMs) => {
          const now = new Date(started + sinceMs);
          expect(mayStillLand(feed('submitting'), horizonMs, now)).toBe(sinceMs < horizonMs);
          expect(mayStillLand(feed('uploaded'), horizonMs, now)).toBe(false);
          expect(landingHorizonEnd(feed('submitting'), horizonMs).getTime()).toBe(started + horizonMs);
        },
      ),
    );
  });
});
