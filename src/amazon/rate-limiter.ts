import { defineScript, usingRedis, type Redis, type RedisScript } from '../shared/redis.js';

const PURPOSE = 'amazon rate limiter';

/**
 * Amazon's token bucket per (selling partner, application, operation), mirrored in Redis so every
 * process calling for a seller shares it. A call reserves the next free slot atomically (the bucket may
 * go below zero: negative tokens are slots already promised to waiting callers) and sleeps until then,
 * so callers are paced instead of sent to fail. Time is Redis's clock, the same for every process.
 */

// KEYS[1] bucket, KEYS[2] adopted rate. ARGV: default rate/s, burst, pace factor, max wait ms.
// Returns {granted, waitMs, rateStored}.
const RESERVE = `
local now_parts = redis.call('TIME')
local now = tonumber(now_parts[1]) * 1000 + math.floor(tonumber(now_parts[2]) / 1000)
local state = redis.call('HMGET', KEYS[1], 'tokens', 'ts')
local stored = redis.call('GET', KEYS[2])
local rate = (tonumber(stored) or tonumber(ARGV[1])) * tonumber(ARGV[3])
-- One token of Amazon's burst is never spent here: it absorbs calls that reach Amazon sooner after
-- one another than they were reserved (latency differs from call to call).
local burst = math.max(1, tonumber(ARGV[2]) - 1)
local tokens = tonumber(state[1]) or burst
local ts = tonumber(state[2]) or now
tokens = math.min(burst, tokens + (now - ts) * rate / 1000)
local wait = 0
if tokens < 1 then wait = math.ceil((1 - tokens) * 1000 / rate) end
local granted = 1
if wait > tonumber(ARGV[4]) then granted = 0 else tokens = tokens - 1 end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'ts', tostring(now))
redis.call('PEXPIRE', KEYS[1], math.ceil((burst - tokens) * 1000 / rate) + 60000)
local rate_stored = 0
if stored then rate_stored = 1 end
return {granted, wait, rate_stored}
`;

// A 429 means Amazon's bucket is empty whatever ours says: nobody may call before 1/rate from now.
const DRAIN = `
local now_parts = redis.call('TIME')
local now = tonumber(now_parts[1]) * 1000 + math.floor(tonumber(now_parts[2]) / 1000)
local state = redis.call('HMGET', KEYS[1], 'tokens', 'ts')
local tokens = tonumber(state[1]) or 0
if tokens > 0 or state[2] == false then tokens = 0 end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'ts', tostring(now))
return 1
`;

/** An adopted rate is forgotten after a week without being seen again (a plan can go back down). */
const ADOPTED_RATE_TTL_SECONDS = 7 * 24 * 3600;

/** How long a process trusts a rate it adopted without writing it to Redis again. */
const ADOPTION_FRESH_MS = 3_600_000;

export interface BucketPlan {
  rate: number;
  burst: number;
}

export interface Reservation {
  granted: boolean;
  waitMs: number;
}

export interface RateLimiterOptions {
  /** Share of the plan's rate actually used, so network jitter never makes a call arrive early. */
  paceFactor: number;
}

export class RedisRateLimiter {
  private readonly adopted = new Map<string, { rate: number; at: number }>();
  private readonly reserveScript: RedisScript;
  private readonly drainScript: RedisScript;

  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly options: RateLimiterOptions,
  ) {
    this.reserveScript = defineScript(redis, 'sellersyncReserveSlot', 2, RESERVE);
    this.drainScript = defineScript(redis, 'sellersyncDrainBucket', 1, DRAIN);
  }

  // The bucket is a hash tag of both keys: the reserve script reads them together, which a Redis
  // Cluster allows only within one slot, and different buckets spread over the cluster's nodes.
  bucketKey(bucket: string): string {
    return `${this.prefix}:amazon:bucket:{${bucket}}`;
  }

  rateKey(bucket: string): string {
    return `${this.prefix}:amazon:rate:{${bucket}}`;
  }

  /** Reserves a slot; when it is further away than `maxWaitMs` nothing is reserved. */
  async reserve(bucket: string, plan: BucketPlan, maxWaitMs: number): Promise<Reservation> {
    const [granted, waitMs, rateStored] = (await usingRedis(PURPOSE, () =>
      this.reserveScript(
        [this.bucketKey(bucket), this.rateKey(bucket)],
        [plan.rate, plan.burst, this.options.paceFactor, maxWaitMs],
      ),
    )) as [number, number, number];
    if (rateStored === 0) await this.restoreAdoptedRate(bucket);
    return { granted: granted === 1, waitMs };
  }

  /**
   * Redis lost the adopted rate (restarted, flushed, failed over). This process still knows it from the
   * last hour: it is written back, as the next answer may be a 429, which carries no rate, and backing off
   * at the plan's default would stop the operation for minutes (searchOrders: 180 s). Known to no one
   * here, the adoption is forgotten so that the next answer carrying the rate writes it again.
   */
  private async restoreAdoptedRate(bucket: string): Promise<void> {
    const known = this.adopted.get(bucket);
    if (known && Date.now() - known.at < ADOPTION_FRESH_MS) await this.storeRate(bucket, known.rate);
    else this.adopted.delete(bucket);
  }

  private async storeRate(bucket: string, rate: number): Promise<void> {
    await usingRedis(PURPOSE, () =>
      this.redis.set(this.rateKey(bucket), String(rate), 'EX', ADOPTED_RATE_TTL_SECONDS),
    );
  }

  /** The rate the bucket currently runs at (an adopted `x-amzn-RateLimit-Limit`, or the plan's). */
  async currentRate(bucket: string, plan: BucketPlan): Promise<number> {
    const stored = await usingRedis(PURPOSE, () => this.redis.get(this.rateKey(bucket)));
    const rate = stored === null ? Number.NaN : Number(stored);
    return Number.isFinite(rate) && rate > 0 ? rate : plan.rate;
  }

  /** Adopts Amazon's announced rate for every process from now on; false when it was already known. */
  async adoptRate(bucket: string, rate: number): Promise<boolean> {
    if (!Number.isFinite(rate) || rate <= 0) return false;
    const known = this.adopted.get(bucket);
    if (known?.rate === rate && Date.now() - known.at < ADOPTION_FRESH_MS) return false;
    await this.storeRate(bucket, rate);
    this.adopted.set(bucket, { rate, at: Date.now() });
    return true;
  }

  async drain(bucket: string): Promise<void> {
    await usingRedis(PURPOSE, () => this.drainScript([this.bucketKey(bucket)], []));
  }
}
