import type { SimClock } from './clock.js';
import { USAGE_PLANS, type Operation, type UsagePlan } from './usage-plans.js';

/**
 * Amazon's token buckets: one per (seller, operation), starting full at the burst size and refilled at
 * the operation's rate per second of simulator time — so a time scale of k refills k times faster.
 */
export class RateLimiter {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();
  private readonly overrides = new Map<Operation, UsagePlan>();

  constructor(private readonly clock: SimClock) {}

  plan(operation: Operation): UsagePlan {
    return this.overrides.get(operation) ?? USAGE_PLANS[operation];
  }

  /** Replaces an operation's rate and burst (tests that need fast refill); buckets start over. */
  override(operation: Operation, plan: UsagePlan): void {
    this.overrides.set(operation, plan);
    for (const key of this.buckets.keys()) if (key.endsWith(`/${operation}`)) this.buckets.delete(key);
  }

  clearOverrides(): void {
    this.overrides.clear();
    this.buckets.clear();
  }

  /** Takes one token; false when the bucket is empty (the caller answers 429). */
  take(sellerId: string, operation: Operation): boolean {
    const { rate, burst } = this.plan(operation);
    const key = `${sellerId}/${operation}`;
    const now = this.clock.now().getTime();
    const bucket = this.buckets.get(key) ?? { tokens: burst, at: now };
    bucket.tokens = Math.min(burst, bucket.tokens + ((now - bucket.at) / 1000) * rate);
    bucket.at = now;
    this.buckets.set(key, bucket);
    if (bucket.tokens < 1) return false;
    bucket.tokens -= 1;
    return true;
  }

  /** The rate in wall-clock requests per second, as sent in `x-amzn-RateLimit-Limit`. */
  headerValue(operation: Operation): string {
    return String(Number((this.plan(operation).rate * this.clock.timeScale).toPrecision(4)));
  }
}
