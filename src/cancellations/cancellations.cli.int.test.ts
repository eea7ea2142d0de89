import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCliProcess } from '../../test/helpers/cli.js';
import {
  startFulfillmentWorld,
  type FulfillmentWorld,
  type SimOrderView,
} from '../fulfillment/fulfillment.test-support.js';

let world: FulfillmentWorld;
let order: SimOrderView;

beforeAll(async () => {
  world = await startFulfillmentWorld(1204);
  order = await world.createOrder({ items: [{ quantity: 2 }] });
  await world.downloadOrders();
});

afterAll(async () => {
  await world?.close();
});

const cli = (...args: string[]) => runCliProcess(args, world.childEnv());
const company = () => String(world.company.id);

describe('sellersync orders cancel and cancellations list', () => {
  it('refuses an unknown reason and a BuyerCanceled without a request with exit 2, then cancels one unit', async () => {
    const unknown = await cli('orders', 'cancel', order.orderId, '--company', company(), '--reason', 'Sold');
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/--reason.*expected one of NoInventory, ShippingAddressUndeliverable/s);

    const guarded = await cli(
      'orders',
      'cancel',
      order.orderId,
      '--company',
      company(),
      '--reason',
      'BuyerCanceled',
    );
    expect(guarded.code).toBe(2);
    expect(guarded.stderr).toMatch(/buyer has not requested cancellation.*--force/);

    const item = order.orderItems[0]!.orderItemId;
    const done = await cli(
      'orders',
      'cancel',
      order.orderId,
      '--company',
      company(),
      '--reason',
      'NoInventory',
      '--item',
      `${item}:1`,
      '--json',
    );
    expect(done.code).toBe(0);
    const result = JSON.parse(done.stdout) as Record<string, unknown>;
    expect(result).toMatchObject({
      cancellation: {
        state: 'requested',
        reason: 'NoInventory',
        items: [{ orderItemId: item, quantity: 1 }],
      },
      cancelRate: { threshold: 0.025, cancelledOrders: 1, orders: 1 },
      queued: true,
    });
    expect(await world.queues['cancellation-upload'].getJobCounts('waiting')).toMatchObject({ waiting: 1 });

    const listed = await cli('cancellations', 'list', '--company', company());
    expect(listed.code).toBe(0);
    expect(listed.stdout).toMatch(new RegExp(`${order.orderId}\\s+NoInventory\\s+requested\\s+${item}x1`));
  }, 120_000);
});
