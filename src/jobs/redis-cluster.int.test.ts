import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listCompanies } from '../companies/companies.service.js';
import { startFulfillmentWorld, type FulfillmentWorld } from '../fulfillment/fulfillment.test-support.js';
import { closeRedis, createRedis, primaries, type Redis } from '../shared/redis.js';
import { JOB_HANDLERS } from '../wiring.js';
import { OwnRedisCluster } from '../../test/helpers/own-redis-cluster.js';
import type { JobKind } from './kinds.js';
import { listRuns } from './job-runs.repository.js';
import { enqueueManualRun } from './queues.js';
import { listSchedules, reconcileAllSchedules } from './schedules.js';
import { startWorkers, type JobWorkers } from './workers.js';

// A download and an upload run by the workers, every queue, schedule, rate-limit bucket and cached token
// in a Redis Cluster of three primaries.
const cluster = new OwnRedisCluster();
let world: FulfillmentWorld;
let workerConnection: Redis;
let workers: JobWorkers;

beforeAll(async () => {
  await cluster.start();
  world = await startFulfillmentWorld(16, { env: { REDIS_CLUSTER_NODES: cluster.nodesSetting } });
  workerConnection = createRedis(world.context.config.redis);
  workers = startWorkers(world.context, world.queues, workerConnection, JOB_HANDLERS);
});

afterAll(async () => {
  await workers?.close();
  await (workerConnection && closeRedis(workerConnection));
  await world?.close();
  await cluster.stop();
});

/** Queues a manual run as `sellersync run` does on the daemon, and waits until the workers finished it. */
async function runThroughQueue(kind: JobKind): Promise<void> {
  const { db } = world.context;
  const before = (await listRuns(db, { companyId: world.company.id, kind })).length;
  await enqueueManualRun(world.queues, kind, world.company.id);
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    const runs = await listRuns(db, { companyId: world.company.id, kind });
    const finished = runs.length > before ? runs[0] : undefined;
    if (finished && finished.status !== 'running') {
      expect(finished).toMatchObject({ status: 'succeeded', trigger: 'manual' });
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`the ${kind} run never finished`);
}

async function keysOnEachNode(pattern: string): Promise<string[][]> {
  const perNode: string[][] = [];
  for (const server of primaries(world.context.redis)) perNode.push(await server.keys(pattern));
  return perNode;
}

describe('sellersync on a Redis Cluster', () => {
  it('downloads an order and uploads its shipment, the queues under one hash tag', async () => {
    const { config } = world.context;
    expect(config.queuePrefix).toBe(`{${config.redisPrefix}}`);

    const order = await world.createOrder();
    await world.advance(5);
    // The first run learns Amazon's clock after the jump; the second one's window reaches the order.
    await runThroughQueue('order-download');
    await runThroughQueue('order-download');
    const stored = await world.context.db
      .selectFrom('orders')
      .select('amazon_order_id')
      .where('company_id', '=', world.company.id)
      .execute();
    expect(stored.map((row) => row.amazon_order_id)).toContain(order.orderId);

    await world.shipWholeOrder(order, '1Z999AA10123456784');
    await runThroughQueue('fulfillment-upload');
    await world.finishFeeds();
    const onAmazon = await world.simOrder(order.orderId);
    expect(onAmazon.packages?.map((pack) => pack.trackingNumber)).toEqual(['1Z999AA10123456784']);

    // Schedules are job schedulers in the same queues (last: their first runs start at once).
    await reconcileAllSchedules(world.queues, await listCompanies(world.context.db), world.context.logger);
    expect((await listSchedules(world.queues)).map((schedule) => schedule.kind)).toEqual(
      expect.arrayContaining(['order-download', 'fulfillment-upload']),
    );

    // Every queue key is in the slot of the prefix's hash tag, so on one node; the gateway's keys were written
    // through the same cluster.
    const queueKeys = await keysOnEachNode(`{${config.redisPrefix}}:*`);
    expect(queueKeys.filter((keys) => keys.length > 0)).toHaveLength(1);
    expect(queueKeys.flat()).toEqual(expect.arrayContaining([`{${config.redisPrefix}}:order-download:meta`]));
    expect((await keysOnEachNode(`${config.redisPrefix}:amazon:*`)).flat().length).toBeGreaterThan(0);
  });
});
