import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listFeeds } from '../feeds/feeds.repository.js';
import { startFulfillmentWorld, type FulfillmentWorld } from './fulfillment.test-support.js';

let world: FulfillmentWorld;

beforeAll(async () => {
  world = await startFulfillmentWorld(53);
});

afterAll(async () => {
  await world?.close();
});

/** Backends of this database waiting for a row lock. */
async function waitingForLocks(): Promise<number> {
  const result = await sql<{ waiting: number }>`
    SELECT count(*)::int AS waiting FROM pg_stat_activity
     WHERE datname = current_database() AND wait_event_type = 'Lock'`.execute(world.context.db);
  return result.rows[0]?.waiting ?? 0;
}

describe('closing a fulfillment feed beside another writer of its order', () => {
  it('takes the order row before the items, as recording a shipment does: no deadlock, both finish', async () => {
    const order = await world.createOrder({ items: [{ quantity: 2 }, { quantity: 1 }] });
    await world.downloadOrders();
    await world.shipWholeOrder(order);
    expect((await world.run('fulfillment-upload')).status).toBe('succeeded');
    await world.advance(10);
    await world.context.db
      .updateTable('feeds')
      .set({ next_check_at: null })
      .where('state', '=', 'submitted')
      .execute();
    const { id: orderId } = await world.context.db
      .selectFrom('orders')
      .select('id')
      .where('amazon_order_id', '=', order.orderId)
      .executeTakeFirstOrThrow();

    // The other writer (a shipment or a cancellation being recorded): the order row
    // first, then its items, with the follow-up's close waiting in between.
    let followUp: ReturnType<FulfillmentWorld['run']> | undefined;
    await world.context.db.transaction().execute(async (tx) => {
      await tx.selectFrom('orders').select('id').where('id', '=', orderId).forUpdate().execute();
      followUp = world.run('feed-follow-up');
      for (let tries = 0; (await waitingForLocks()) === 0; tries++) {
        if (tries > 200) throw new Error('the follow-up never waited for the order');
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
      await tx.selectFrom('order_items').select('id').where('order_id', '=', orderId).forUpdate().execute();
    });

    expect((await followUp)?.status).toBe('succeeded');
    const [feed] = await listFeeds(world.context.db, world.company.id);
    expect(feed).toMatchObject({ state: 'done', error: null });
    const stored = await world.context.db
      .selectFrom('orders')
      .select('status')
      .where('id', '=', orderId)
      .executeTakeFirstOrThrow();
    expect(stored.status).toBe('Shipped');
  });
});
