import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getCompany, updateCompany } from '../companies/companies.service.js';
import { listFeeds } from '../feeds/feeds.repository.js';
import { startFulfillmentWorld, type FulfillmentWorld } from './fulfillment.test-support.js';

let world: FulfillmentWorld;

beforeAll(async () => {
  world = await startFulfillmentWorld(47);
});

afterAll(async () => {
  await world?.close();
});

/** A shipment uploaded as a feed Amazon holds, with its next look due now. */
async function submittedFeedDueNow() {
  const order = await world.createOrder({ items: [{ quantity: 1 }] });
  await world.downloadOrders();
  await world.shipWholeOrder(order);
  const upload = await world.run('fulfillment-upload');
  expect(upload.status).toBe('succeeded');
  await world.context.db
    .updateTable('feeds')
    .set({ next_check_at: new Date(0) })
    .where('state', '=', 'submitted')
    .execute();
  const [feed] = await listFeeds(world.context.db, world.company.id, { states: ['submitted'] });
  return feed!;
}

describe('the feed follow-up classifies what stops it, like every other job', () => {
  it('is deferred when Amazon throttles getFeed, and leaves the feed as it was', async () => {
    const feed = await submittedFeedDueNow();
    await world.control('POST', '/faults', { kind: 'throttle', operation: 'getFeed', count: 50 });

    const followed = await world.run('feed-follow-up');
    expect(followed.status).toBe('deferred');
    const [after] = (await listFeeds(world.context.db, world.company.id)).filter((f) => f.id === feed.id);
    expect(after).toMatchObject({ state: 'submitted', followAttempts: feed.followAttempts, error: null });
    await world.control('DELETE', '/faults');
  });

  it('marks the company for reauthorization when Amazon revoked the grant', async () => {
    await submittedFeedDueNow();
    await updateCompany(world.context.db, world.context.config.keyring, world.company.id, {
      refreshToken: 'Atzr|revoked-grant-0000000000000000',
    });

    const followed = await world.run('feed-follow-up');
    expect(followed.status).toBe('failed');
    const company = await getCompany(world.context.db, world.company.id);
    expect(company.authStatus).toBe('needs_reauthorization');
  });
});
