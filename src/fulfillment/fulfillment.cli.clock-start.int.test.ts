import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCliProcess } from '../../test/helpers/cli.js';
import {
  startFulfillmentWorld,
  type FulfillmentWorld,
  type SimOrderView,
} from './fulfillment.test-support.js';
import type { Shipment } from './shipments.repository.js';

/** Years from any machine's date: only CLOCK_START puts the CLI on the simulator's dates. */
const FAR_FROM_TODAY = new Date('2036-03-01T00:00:00Z');

let world: FulfillmentWorld;
let shipped: SimOrderView;
let waiting: SimOrderView;

beforeAll(async () => {
  world = await startFulfillmentWorld(59, { simulatorStart: FAR_FROM_TODAY });
  shipped = await world.createOrder({ items: [{ quantity: 1 }] });
  waiting = await world.createOrder({ items: [{ quantity: 1 }] });
  await world.downloadOrders();
});

afterAll(async () => {
  await world?.close();
});

const cli = (...args: string[]) => runCliProcess(args, world.childEnv());
const company = () => String(world.company.id);

describe('the CLI in a child process with CLOCK_START at the simulated marketplace’s dates', () => {
  it('ships an order at that date, uploads it, and lists the other one at risk by that clock', async () => {
    const shipDate = world.now().toISOString();
    const recorded = await cli(
      ...['ship', '--company', company(), '--order', shipped.orderId, '--carrier', 'ups'],
      ...['--tracking', '1Z999AA10123456784', '--ship-date', shipDate],
      ...['--item', `${shipped.orderItems[0]!.orderItemId}:1`, '--json'],
    );
    expect(recorded.code, recorded.stderr).toBe(0);
    expect(JSON.parse(recorded.stdout)).toMatchObject({ state: 'pending_upload', shipDate });
    expect(recorded.stderr).toMatch(/CLOCK_START is set/);

    const upload = await cli('run', 'fulfillment-upload', '--company', company(), '--json');
    expect(upload.code, upload.stderr).toBe(0);
    await world.finishFeeds();
    const listed = JSON.parse(
      (await cli('shipments', 'list', '--company', company(), '--json')).stdout,
    ) as Shipment[];
    expect(listed.map((s) => [s.amazonOrderId, s.state])).toEqual([[shipped.orderId, 'confirmed']]);
    expect((await world.simOrder(shipped.orderId)).packages).toHaveLength(1);

    const atRisk = await cli('orders', 'at-risk', '--company', company(), '--hours', '720', '--json');
    expect(atRisk.code, atRisk.stderr).toBe(0);
    const orders = JSON.parse(atRisk.stdout) as { amazonOrderId: string; hoursLeft: number }[];
    const other = orders.find((o) => o.amazonOrderId === waiting.orderId);
    // Hours to its latest ship date as the simulated marketplace counts them, not years.
    expect(other?.hoursLeft).toBeGreaterThan(-72);
    expect(other?.hoursLeft).toBeLessThan(720);
  }, 120_000);
});
