import { sql } from 'kysely';
import { listFeeds } from '../feeds/feeds.repository.js';
import type { Db } from '../db/client.js';
import type { FulfillmentWorld } from './fulfillment.test-support.js';

/** Backends of this database waiting for a row lock. */
async function waitingForLocks(db: Db): Promise<number> {
  const result = await sql<{ waiting: number }>`
    SELECT count(*)::int AS waiting FROM pg_stat_activity
     WHERE datname = current_database() AND wait_event_type = 'Lock'`.execute(db);
  return result.rows[0]?.waiting ?? 0;
}

/**
 * Plays another writer of an order (a shipment or a cancellation being recorded): takes the order row,
 * starts `meanwhile` and lets it run until it waits for a lock, then takes the order's items and commits.
 * A `meanwhile` that takes the items before the order deadlocks with it.
 */
export async function raceAnotherWriterOfOrder<T>(
  db: Db,
  orderId: number,
  meanwhile: () => Promise<T>,
): Promise<T> {
  let started: Promise<T> | undefined;
  await db.transaction().execute(async (tx) => {
    await tx.selectFrom('orders').select('id').where('id', '=', orderId).forUpdate().execute();
    started = meanwhile();
    for (let tries = 0; (await waitingForLocks(db)) === 0; tries++) {
      if (tries > 200) throw new Error('meanwhile never waited for the order');
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    await tx.selectFrom('order_items').select('id').where('order_id', '=', orderId).forUpdate().execute();
  });
  if (started === undefined) throw new Error('meanwhile never started');
  return started;
}

/**
 * Amazon done with the submitted feeds (10 minutes on), their looks due, and the feed follow-up run
 * while another writer of the order races it (`raceAnotherWriterOfOrder`).
 */
export async function followUpRacingAnotherWriter(world: FulfillmentWorld, amazonOrderId: string) {
  await world.advance(10);
  await world.context.db
    .updateTable('feeds')
    .set({ next_check_at: null })
    .where('state', '=', 'submitted')
    .execute();
  const { id } = await world.context.db
    .selectFrom('orders')
    .select('id')
    .where('amazon_order_id', '=', amazonOrderId)
    .executeTakeFirstOrThrow();
  const followUp = await raceAnotherWriterOfOrder(world.context.db, id, () => world.run('feed-follow-up'));
  const [feed] = await listFeeds(world.context.db, world.company.id);
  return { followUp, feed };
}
