import { DAY, SimClock } from './clock.js';
import { EventQueue } from './events.js';
import { Faults } from './faults.js';
import { DEFAULT_MIX, startOrderGenerator } from './generator.js';
import type { SimSeller } from './model.js';
import { SeededRandom } from './random.js';
import { RateLimiter } from './rate-limiter.js';
import { closeSettlementPeriods } from './settlement.js';
import { SimStore } from './store.js';
import type { OrderMix, SimulationSettings, SimulationState } from './types.js';

export interface SimulationOptions {
  seed?: number;
  /** Simulator seconds per wall-clock second. */
  timeScale?: number;
  /** New random orders per simulated hour, for every seller (0: only orders created through the control API). */
  ordersPerHour?: number;
  mix?: Partial<OrderMix>;
  startTime?: Date;
}

export const DEFAULT_SELLER: SimSeller = {
  sellerId: 'A2SIMULATED0001',
  clientId: 'amzn1.application-oa2-client.simulator0001',
  clientSecret: 'simulator-client-secret',
  refreshToken: 'Atzr|simulator-refresh-token-0001',
  marketplaceId: 'ATVPDKIKX0DER',
  currency: 'USD',
};

/** One simulated marketplace: state, clock, the events that move it, throttling and injected faults. */
export class Simulation implements SimulationState {
  readonly clock: SimClock;
  readonly store: SimStore;
  readonly events = new EventQueue();
  readonly random: SeededRandom;
  readonly limiter: RateLimiter;
  readonly faults = new Faults();
  readonly settings: SimulationSettings;
  readonly seed: number;
  /** Where the simulator is reachable; document and customization URLs point here. */
  baseUrl = 'http://127.0.0.1';

  constructor(options: SimulationOptions = {}) {
    this.seed = options.seed ?? 1;
    this.clock = new SimClock(options.timeScale ?? 1, options.startTime?.getTime());
    this.store = new SimStore(this.seed);
    this.random = new SeededRandom(this.seed);
    this.limiter = new RateLimiter(this.clock);
    this.settings = {
      ordersPerHour: options.ordersPerHour ?? 0,
      mix: { ...DEFAULT_MIX, ...options.mix },
      pendingMinutes: 30,
      fbaShipMinutes: 120,
      reportQueueMs: 30_000,
      reportProcessingMs: 90_000,
      feedQueueMs: 60_000,
      feedProcessingMs: 120_000,
      settlementPeriodMs: 14 * DAY,
      documentUrlTtlMs: 5 * 60_000,
      accessTokenTtlMs: 3_600_000,
    };
    this.store.sellers.set(DEFAULT_SELLER.sellerId, { ...DEFAULT_SELLER });
    const start = this.clock.now();
    startOrderGenerator(this, start);
    this.scheduleSettlementClose(start);
  }

  /** The simulator's current time, after everything due by then has happened. */
  now(): Date {
    const now = this.clock.now();
    this.events.runDue(now);
    return now;
  }

  advance(ms: number): Date {
    this.clock.advance(ms);
    return this.now();
  }

  private scheduleSettlementClose(from: Date): void {
    const at = new Date(from.getTime() + this.settings.settlementPeriodMs);
    this.events.schedule(at, (when) => {
      closeSettlementPeriods(this, when);
      this.scheduleSettlementClose(when);
    });
  }
}
