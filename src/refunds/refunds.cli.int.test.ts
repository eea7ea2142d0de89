import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jsonError, runCliProcess } from '../../test/helpers/cli.js';
import {
  startFulfillmentWorld,
  type FulfillmentWorld,
  type SimOrderView,
} from '../fulfillment/fulfillment.test-support.js';
import { shippedOrders } from './refunds.test-support.js';

let world: FulfillmentWorld;
let order: SimOrderView;

beforeAll(async () => {
  world = await startFulfillmentWorld(1304);
  [order] = (await shippedOrders(world, [{ items: [{ quantity: 2, unitPrice: '10.00' }] }])) as [
    SimOrderView,
  ];
});

afterAll(async () => {
  await world?.close();
});

const cli = (...args: string[]) => runCliProcess(args, world.childEnv({ REFUND_HOLD_MINUTES: '0' }));
const company = () => String(world.company.id);
const refundOrder = (...args: string[]) =>
  cli('orders', 'refund', order.orderId, '--company', company(), ...args);

describe('sellersync orders refund, orders refundable, refunds list and cancel', () => {
  it('refuses with exit 2 and nothing recorded, refunds a line, undoes one, and shows it all on the order', async () => {
    const item = order.orderItems[0]!.orderItemId;
    const badReason = await refundOrder('--reason', 'Oops', '--full');
    expect(badReason.code).toBe(2);
    expect(badReason.stderr).toMatch(/--reason.*AdjustmentReason values: NoInventory, CustomerReturn/s);
    const badComponent = await refundOrder('--reason', 'Other', '--item', `${item}:Bonus=1`);
    expect(badComponent.code).toBe(2);
    expect(badComponent.stderr).toMatch(/unknown component Bonus/);
    const tooMuch = await refundOrder('--reason', 'Other', '--item', `${item}:Principal=25.00`, '--json');
    expect(tooMuch.code).toBe(2);
    expect(jsonError(tooMuch)).toMatchObject({ error: expect.stringMatching(/only 20.00 left/) });

    const done = await refundOrder(
      '--reason',
      'PriceError',
      '--item',
      `${item}:Principal=5.00,Tax=0.40`,
      '--json',
    );
    expect(done.code).toBe(0);
    const { refund } = JSON.parse(done.stdout) as { refund: { id: number; state: string } };
    expect(refund.state).toBe('requested');
    const undo = await refundOrder('--reason', 'Other', '--item', `${item}:Shipping=4.99`, '--json');
    const undone = (JSON.parse(undo.stdout) as { refund: { id: number } }).refund.id;
    expect((await cli('refunds', 'cancel', String(undone), '--company', company())).stdout).toMatch(
      /cancelled: it will not be sent/,
    );

    const refundable = JSON.parse(
      (await cli('orders', 'refundable', order.orderId, '--company', company(), '--json')).stdout,
    ) as {
      left: string;
      inFlight: string;
      lines: { components: { component: string; left: string }[] }[];
    };
    expect(refundable).toMatchObject({ inFlight: '5.40', left: '21.19' });
    expect(refundable.lines[0]?.components.map((c) => [c.component, c.left])).toEqual([
      ['Principal', '15.00'],
      ['Tax', '1.20'],
      ['Shipping', '4.99'],
    ]);

    expect((await world.run('refund-upload')).run?.counts).toMatchObject({ refunds: 1 });
    await world.finishFeeds();
    const listed = JSON.parse((await cli('refunds', 'list', '--company', company(), '--json')).stdout) as {
      id: number;
      state: string;
      initiatedBy: string;
      amazonFeedId: string | null;
    }[];
    expect(listed.map((r) => [r.id, r.state, r.initiatedBy])).toEqual([
      [refund.id, 'accepted', 'seller'],
      [undone, 'cancelled', 'seller'],
    ]);
    expect(listed[0]?.amazonFeedId).toBeTruthy();
    const table = (await cli('refunds', 'list', '--company', company())).stdout;
    expect(table).toMatch(
      new RegExp(
        `${refund.id}\\s+${order.orderId}\\s+PriceError\\s+accepted\\s+seller\\s+USD ${item}:Principal=5.00,Tax=0.40`,
      ),
    );

    const shown = JSON.parse(
      (await cli('orders', 'show', order.orderId, '--company', company(), '--json')).stdout,
    ) as {
      refundPaymentStatus: string;
      timeline: { kind: string; detail: { refundId?: number } }[];
    };
    expect(shown.refundPaymentStatus).toBe('partially_refunded');
    expect(
      shown.timeline.filter((e) => e.kind.startsWith('refund')).map((e) => [e.kind, e.detail.refundId]),
    ).toEqual([
      ['refund_requested', refund.id],
      ['refund_requested', undone],
      ['refund_cancelled', undone],
      ['refunded', refund.id],
    ]);
  }, 120_000);
});
