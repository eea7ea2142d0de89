import type { FeedApplier } from './feed-applier.js';
import type { FeedMessageInput } from './feed-envelope.js';
import type { ProcessingReport } from './processing-report.js';

import type { FeedKind } from './feed-states.js';

export type { FeedKind };

const FEED_KIND_NAME = /^[a-z][a-z0-9-]{0,62}$/;
const FEED_TYPE = /^[A-Z0-9_]{1,100}$/;

/** What the pipeline needs of a registered kind to send, follow and close its feeds. */
export interface RegisteredFeedKind {
  kind: FeedKind;
  /** Amazon's feed type, e.g. POST_ORDER_FULFILLMENT_DATA. */
  feedType: string;
  /** The XML envelope's MessageType, e.g. OrderFulfillment. */
  messageType: string;
  /** What Amazon's answer does to the kind's entities. */
  applier: FeedApplier;
  /** Reads the kind's processing report when it is not Amazon's XML ProcessingReport (JSON listings feeds). */
  readReport?: (text: string) => ProcessingReport;
}

/** A domain's feed kind: its builder (one message per entity) and its applier. */
export interface FeedKindDefinition<Entity> extends RegisteredFeedKind {
  buildMessage(entity: Entity): FeedMessageInput;
}

/**
 * The feed kinds this process sends, registered by their domains at wiring time; the pipeline knows no
 * domain and reaches a kind's applier only through here. A feed of a kind not registered is never sent.
 */
export class FeedKinds {
  private readonly byKind = new Map<FeedKind, RegisteredFeedKind>();

  constructor(definitions: readonly RegisteredFeedKind[] = []) {
    for (const definition of definitions) this.register(definition);
  }

  register(definition: RegisteredFeedKind): void {
    if (!FEED_KIND_NAME.test(definition.kind)) {
      throw new Error(`feed kind ${JSON.stringify(definition.kind)}: expected lowercase words joined by "-"`);
    }
    if (!FEED_TYPE.test(definition.feedType)) {
      throw new Error(
        `feed kind ${definition.kind}: feed type ${JSON.stringify(definition.feedType)} is not an Amazon feed type`,
      );
    }
    if (this.byKind.has(definition.kind)) throw new Error(`feed kind ${definition.kind} is registered twice`);
    this.byKind.set(definition.kind, definition);
  }

  get(kind: FeedKind): RegisteredFeedKind {
    const definition = this.byKind.get(kind);
    if (!definition) throw new Error(`no feed kind ${kind} is registered`);
    return definition;
  }

  list(): RegisteredFeedKind[] {
    return [...this.byKind.values()];
  }
}
