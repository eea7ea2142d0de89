import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCliProcess } from '../../test/helpers/cli.js';
import {
  startFulfillmentWorld,
  type FulfillmentWorld,
  type SimOrderView,
} from '../fulfillment/fulfillment.test-support.js';
import { shippedOrders } from '../refunds/refunds.test-support.js';

let world: FulfillmentWorld;
let order: SimOrderView;

beforeAll(async () => {
  world = await startFulfillmentWorld(1306);
  [order] = (await shippedOrders(world, [{ items: [{ quantity: 2, unitPrice: '10.00' }] }])) as [
    SimOrderView,
  ];
});

afterAll(async () => {
  await world?.close();
});

const cli = (...args: string[]) => runCliProcess(args, world.childEnv());

describe('sellersync returns', () => {
  it('authorizes, receives and refunds a return, lists it, and records each step in the audit log', async () => {
    const company = String(world.company.id);
    const item = order.orderItems[0]!.orderItemId;
    const tooMany = await cli(
      'returns',
      'add',
      order.orderId,
      '--company',
      company,
      '--item',
      `${item}:3`,
      '--reason',
      'too big',
    );
    expect(tooMany.code).toBe(2);
    expect(tooMany.stderr).toMatch(/cannot return 3, only 2/);
    const added = await cli(
      'returns',
      'add',
      order.orderId,
      '--company',
      company,
      '--item',
      `${item}:1`,
      '--reason',
      'too big',
      '--json',
    );
    expect(added.code).toBe(0);
    const { rmaId } = JSON.parse(added.stdout) as { rmaId: string };
    expect((await cli('returns', 'receive', rmaId)).code).toBe(0);
    const refunded = await cli('returns', 'refund', rmaId, '--restocking-fee', '2.00', '--json');
    expect(refunded.code).toBe(0);
    expect(JSON.parse(refunded.stdout)).toMatchObject({ return: { rmaId, state: 'refunded' } });
    const listed = await cli('returns', 'list', '--company', company, '--json');
    expect(JSON.parse(listed.stdout)).toEqual([expect.objectContaining({ rmaId, state: 'refunded' })]);

    const audit = await cli('audit', '--company', company, '--json');
    const entries = JSON.parse(audit.stdout) as { action: string; actor: string; amazonOrderId: string }[];
    expect(entries.map((e) => [e.action, e.actor, e.amazonOrderId])).toEqual([
      ['return.refund', 'cli', order.orderId],
      ['return.receive', 'cli', order.orderId],
      ['return.add', 'cli', order.orderId],
    ]);
  });
});
