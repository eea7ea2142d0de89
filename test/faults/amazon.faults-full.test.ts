import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { getCompany } from '../../src/companies/companies.service.js';
import { FaultWorld } from './world.js';

let world: FaultWorld;
let tracking = 100;

beforeAll(async () => {
  world = await FaultWorld.start({ seed: 165 });
  world.cursors.start();
  await world.startDaemon();
  await world.idle();
});

afterAll(async () => {
  await world?.close();
});

afterEach(async () => {
  await world.settle();
  const report = await world.check({ abandonedAfterMs: 0 });
  expect(report.violations).toEqual([]);
  expect(world.liveDaemon().alive).toBe(true);
});

/** Orders placed and downloaded, one of them shipped (recorded, not uploaded yet); returns how long it took. */
async function workUnder(fault: () => Promise<void>): Promise<number> {
  const [toShip = ''] = world.placeOrders([{}, {}, { items: [{ quantity: 2 }] }]);
  world.advance(5);
  await world.downloadNow();
  await world.shipWholeOrder(toShip, `FAULTAMZ${tracking++}`);
  world.placeOrders([{}, {}]);
  world.advance(5);
  await fault();
  const started = performance.now();
  await world.runAndWait('order-download', { statuses: ['succeeded', 'deferred', 'failed'] });
  await world.runAndWait('fulfillment-upload', { statuses: ['succeeded', 'deferred', 'failed'] });
  return performance.now() - started;
}

const runsOf = async (kind: 'order-download' | 'fulfillment-upload') =>
  (await world.runs(kind)).slice(0, 4).map((run) => `${run.status}${run.error ? `: ${run.error}` : ''}`);

describe('Amazon misbehaving under a real daemon', { timeout: 300_000 }, () => {
  it('a 429 storm and a changed x-amzn-RateLimit-Limit', async () => {
    const ms = await workUnder(async () => {
      await world.control('PUT', '/rate-limits/searchOrders', { rate: 0.5, burst: 2 });
      await world.fault({ kind: 'throttle', operation: '*', count: 12 });
    });
    console.log(
      JSON.stringify({ row: '429 storm', ms: Math.round(ms), runs: await runsOf('order-download') }),
    );
    expect(world.liveDaemon().output()).toMatch(/rate limit adopted from x-amzn-RateLimit-Limit/);
    await world.fastPlans();
  });

  it('5xx bursts', async () => {
    const ms = await workUnder(async () => {
      await world.fault({ kind: 'server-error', operation: '*', count: 8, status: 503 });
      await world.fault({ kind: 'server-error', operation: 'createFeed', count: 2, status: 500 });
    });
    console.log(JSON.stringify({ row: '5xx', ms: Math.round(ms), runs: await runsOf('fulfillment-upload') }));
  });

  it('dropped connections: the simulator closing sockets without an answer, and the link reset under every call', async () => {
    const ms = await workUnder(async () => {
      await world.fault({ kind: 'drop-connection', operation: '*', count: 6 });
    });
    const timer = setInterval(() => world.amazonProxy.reset(), 50);
    try {
      await world.runAndWait('order-download', { statuses: ['succeeded', 'deferred', 'failed'] });
    } finally {
      clearInterval(timer);
    }
    console.log(JSON.stringify({ row: 'dropped connections', ms: Math.round(ms) }));
  });

  it('a slow Amazon: every call answered after 4 s', async () => {
    const ms = await workUnder(async () => {
      await world.fault({ kind: 'slow', operation: '*', count: 10, delayMs: 4_000 });
    });
    console.log(JSON.stringify({ row: 'slow amazon', ms: Math.round(ms) }));
  });

  it('access tokens expiring mid-run on Amazon’s side while still cached here', async () => {
    const ms = await workUnder(async () => {
      // An hour and more passes on Amazon's clock: every access token it issued has expired.
      world.advance(65);
    });
    console.log(
      JSON.stringify({ row: 'token expiry', ms: Math.round(ms), runs: await runsOf('order-download') }),
    );
    expect((await world.runs('order-download'))[0]?.status).toBe('succeeded');
  });

  it('truncated document downloads and a FATAL feed', async () => {
    const [toShip = ''] = world.placeOrders([{}]);
    world.advance(5);
    await world.downloadNow();
    await world.shipWholeOrder(toShip, `FAULTAMZ${tracking++}`);
    await world.fault({ kind: 'feed-fatal' });
    await world.runNow('fulfillment-upload');
    world.advance(10);
    await world.context.db.updateTable('feeds').set({ next_check_at: null }).execute();
    await world.fault({ kind: 'truncate-download', count: 1 });
    const follow = await world.runNow('feed-follow-up');
    console.log(JSON.stringify({ row: 'fatal feed + truncated download', follow }));
  });

  it('invalid_grant: the company needs reauthorization, its runs are skipped, nothing is logged of the token', async () => {
    const seller = world.seller();
    const sim = world.simulator.sim.store.sellers.get(seller.sellerId)!;
    world.simulator.sim.store.sellers.set(seller.sellerId, {
      ...sim,
      refreshToken: 'Atzr|revoked-elsewhere',
    });
    world.advance(65); // the cached access token has expired: the next call asks LWA for one
    const outcome = await world.runNow('order-download');
    const company = await getCompany(world.context.db, seller.company.id);
    console.log(JSON.stringify({ row: 'invalid_grant', outcome, auth: company.authStatus }));
    expect(company.authStatus).toBe('needs_reauthorization');
    const next = await world.runNow('order-download');
    expect(next.status).toBe('skipped');
    world.simulator.sim.store.sellers.set(seller.sellerId, sim);
    await world.context.db
      .updateTable('companies')
      .set({ auth_status: 'active', auth_status_reason: null })
      .where('id', '=', seller.company.id)
      .execute();
  });
});
