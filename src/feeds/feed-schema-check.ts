import { validateOrderFeed } from '../amazon/feed-schema.js';
import { packDocuments } from './feed-envelope.js';
import type { FeedKindDefinition } from './feed-kinds.js';

/**
 * The entities whose message fails Amazon's schema, with libxml2's errors. The whole batch is checked
 * first; only when it fails is each message checked alone, so one bad message is set aside and the
 * others still go.
 */
export async function schemaFailures<Entity>(
  definition: FeedKindDefinition<Entity>,
  merchantIdentifier: string,
  entities: Entity[],
  idOf: (entity: Entity) => number,
): Promise<Map<number, string>> {
  const documentsOf = (batch: Entity[]) =>
    packDocuments(
      { merchantIdentifier, messageType: definition.messageType },
      batch.map((entity) => definition.buildMessage(entity)),
    ).map((document) => document.content);
  const failures = new Map<number, string>();
  const results = await Promise.all(documentsOf(entities).map((xml) => validateOrderFeed(xml)));
  if (results.every((result) => result.valid)) return failures;
  for (const entity of entities) {
    const [xml] = documentsOf([entity]);
    const result = await validateOrderFeed(xml!);
    if (!result.valid) failures.set(idOf(entity), result.errors.join('; '));
  }
  return failures;
}
