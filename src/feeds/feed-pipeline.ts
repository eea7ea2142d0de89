import type { AmazonPort } from '../amazon/port.js';
import type { Db } from '../db/client.js';
import type { Logger } from '../shared/logger.js';
import type { FeedApplier } from './feed-applier.js';
import type { FeedKind, FeedKinds } from './feed-kinds.js';

/** What every step of the pipeline works with, for one company. */
export interface FeedPipeline {
  db: Db;
  amazon: AmazonPort;
  logger: Logger;
  /** The feed kinds registered by their domains. */
  kinds: FeedKinds;
  /** After a createFeed whose outcome is unknown, how long before it is searched for and sent again. */
  landingHorizonMs: number;
  /** Aborted when the run must stop (shutdown): the pipeline stops before its next call to Amazon. */
  signal: AbortSignal;
  /**
   * Read at the moment a createFeed attempt starts: the landing horizon counts from then, not from the
   * run's start, which may be minutes earlier (rate-limit waits, order re-checks). Without one, the
   * `now` the run was given stands for it.
   */
  clock?: () => Date;
}

export function applierFor(pipeline: FeedPipeline, kind: FeedKind): FeedApplier {
  return pipeline.kinds.get(kind).applier;
}

/** Waits between looks at a feed Amazon is still processing: 1, 2, 4, 8 minutes, then every 15. */
export function followDelayMs(attempts: number): number {
  return Math.min(60_000 * 2 ** Math.max(0, attempts), 15 * 60_000);
}
