import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCliProcess } from '../../test/helpers/cli.js';
import { startFulfillmentWorld, type FulfillmentWorld } from '../fulfillment/fulfillment.test-support.js';
import { cancel } from './cancellations.test-support.js';

let world: FulfillmentWorld;
type Order = Awaited<ReturnType<FulfillmentWorld['createOrder']>>;
let order: Order;

beforeAll(async () => {
  world = await startFulfillmentWorld(1207);
  order = await world.createOrder({ items: [{ sku: 'SKU-TIMELINE-1', quantity: 2 }] });
  await world.downloadOrders();
});

afterAll(async () => {
  await world?.close();
});

interface Entry {
  kind: string;
  occurredAt: string;
  detail: Record<string, unknown>;
}

describe('the order timeline', () => {
  it('shows the cancellation, Amazon’s verdict and the SKU zeroed, in orders show and --json', async () => {
    const item = order.orderItems[0]!.orderItemId;
    const { cancellation } = await cancel(world, {
      amazonOrderId: order.orderId,
      reason: 'NoInventory',
      items: [{ orderItemId: item, quantity: 1 }],
      zeroInventory: true,
    });
    await world.run('cancellation-upload');
    await world.finishFeeds();

    const cli = (...args: string[]) => runCliProcess(args, world.childEnv());
    const shown = await cli('orders', 'show', order.orderId, '--company', String(world.company.id), '--json');
    expect(shown.code).toBe(0);
    const timeline = (JSON.parse(shown.stdout) as { timeline: Entry[] }).timeline;
    const mine = timeline.filter((e) => /^(cancellation|inventory)_/.test(e.kind));
    expect(mine.map((e) => e.kind).sort()).toEqual([
      'cancellation_accepted',
      'cancellation_requested',
      'inventory_zeroed',
    ]);
    expect(mine.find((e) => e.kind === 'cancellation_requested')?.detail).toMatchObject({
      cancellationId: cancellation.id,
      reason: 'NoInventory',
      items: `${item}x1`,
    });
    expect(mine.find((e) => e.kind === 'inventory_zeroed')?.detail).toMatchObject({
      sku: 'SKU-TIMELINE-1',
      state: 'accepted',
    });
    const times = timeline.map((e) => new Date(e.occurredAt).getTime());
    expect(times).toEqual([...times].sort((a, b) => a - b));
    const requested = timeline.findIndex((e) => e.kind === 'cancellation_requested');
    expect(timeline.findIndex((e) => e.kind === 'cancellation_accepted')).toBeGreaterThan(requested);

    const text = await cli('orders', 'show', order.orderId, '--company', String(world.company.id));
    expect(text.stdout).toMatch(/cancellation_requested\s.*NoInventory/);
    expect(text.stdout).toMatch(/inventory_zeroed\s.*SKU-TIMELINE-1/);
  }, 120_000);
});
