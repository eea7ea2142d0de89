import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCliProcess } from '../../test/helpers/cli.js';
import { startFulfillmentWorld, type FulfillmentWorld } from '../fulfillment/fulfillment.test-support.js';
import { shippedOrders } from '../refunds/refunds.test-support.js';

let world: FulfillmentWorld;

beforeAll(async () => {
  world = await startFulfillmentWorld(1307);
  await shippedOrders(world, [{ items: [{ quantity: 1 }] }]);
});

afterAll(async () => {
  await world?.close();
});

const cli = (...args: string[]) => runCliProcess(args, world.context.env);

describe('sellersync feeds', () => {
  it("lists a company's feeds and shows one with Amazon's result for each message", async () => {
    const company = String(world.company.id);
    const listed = await cli('feeds', 'list', '--company', company, '--kind', 'order-fulfillment', '--json');
    expect(listed.code, listed.stderr).toBe(0);
    const feeds = JSON.parse(listed.stdout) as { id: number; kind: string; state: string }[];
    expect(feeds).toEqual([expect.objectContaining({ kind: 'order-fulfillment', state: 'done' })]);
    const shown = await cli('feeds', 'show', String(feeds[0]!.id), '--company', company);
    expect(shown.code, shown.stderr).toBe(0);
    expect(shown.stdout).toMatch(/messages:/);
    expect(shown.stdout).toMatch(/shipment\s+\d+\s+accepted/);

    const other = await cli('feeds', 'show', '999999', '--company', company, '--json');
    expect(other.code).toBe(2);
    expect(JSON.parse(other.stderr)).toMatchObject({ code: 'not_found' });
    expect((await cli('feeds', 'list', '--company', company, '--kind', 'Order Fulfillment')).code).toBe(2);
  });
});
