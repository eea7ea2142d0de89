import type { AmazonPort } from '../amazon/port.js';
import type { Db } from '../db/client.js';
import type { Logger } from '../shared/logger.js';
import type { FeedApplier } from './feed-applier.js';
import type { FeedKind } from './feed-states.js';

/** The appliers of the feed kinds sellersync sends; a kind without one is never submitted. */
export type FeedAppliers = Partial<Record<FeedKind, FeedApplier>>;

/** What every step of the pipeline works with, for one company. */
export interface FeedPipeline {
  db: Db;
  amazon: AmazonPort;
  logger: Logger;
  appliers: FeedAppliers;
}

export function applierFor(pipeline: FeedPipeline, kind: FeedKind): FeedApplier {
  const applier = pipeline.appliers[kind];
  if (!applier) throw new Error(`no applier is registered for ${kind} feeds`);
  return applier;
}

/** Waits between looks at a feed Amazon is still processing: 1, 2, 4, 8 minutes, then every 15. */
export function followDelayMs(attempts: number): number {
  return Math.min(60_000 * 2 ** Math.max(0, attempts), 15 * 60_000);
}
