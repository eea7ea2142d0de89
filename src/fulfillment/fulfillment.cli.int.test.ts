import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCliProcess } from '../../test/helpers/cli.js';
import {
  startFulfillmentWorld,
  type FulfillmentWorld,
  type SimOrderView,
} from './fulfillment.test-support.js';
import type { Shipment } from './shipments.repository.js';

let world: FulfillmentWorld;
let order: SimOrderView;

beforeAll(async () => {
  world = await startFulfillmentWorld(57);
  order = await world.createOrder({ items: [{ quantity: 1 }] });
  await world.downloadOrders();
});

afterAll(async () => {
  await world?.close();
});

const cli = (...args: string[]) => runCliProcess(args, world.childEnv());
const company = () => String(world.company.id);

describe('sellersync ship, shipments and metrics', () => {
  it('refuses a malformed tracking number with exit code 2 and stores nothing', async () => {
    const result = await cli(
      'ship',
      '--company',
      company(),
      '--order',
      order.orderId,
      '--carrier',
      'ups',
      '--tracking',
      'ABC',
      '--ship-date',
      world.now().toISOString(),
      '--item',
      `${order.orderItems[0]!.orderItemId}:1`,
    );
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/tracking number: "ABC" is not a UPS tracking number/);
    const listed = await cli('shipments', 'list', '--company', company(), '--json');
    expect(JSON.parse(listed.stdout)).toEqual([]);
  });

  it('records a shipment, and shows a rejected one that was re-queued and then prevented from shipping', async () => {
    const shipped = await cli(
      'ship',
      '--company',
      company(),
      '--order',
      order.orderId,
      '--carrier',
      'ups',
      '--tracking',
      '1z999aa10123456784',
      '--ship-date',
      world.now().toISOString(),
      '--item',
      `${order.orderItems[0]!.orderItemId}:1`,
      '--ship-from-city',
      'Sparks',
      '--json',
    );
    expect(shipped.code).toBe(0);
    const recorded = JSON.parse(shipped.stdout) as Shipment;
    expect(recorded).toMatchObject({
      state: 'pending_upload',
      carrierCode: 'UPS',
      trackingNumber: '1Z999AA10123456784',
    });
    expect(recorded.shipFrom).toMatchObject({ line1: '1 Dock Road', city: 'Sparks', country: 'US' });

    await world.run('fulfillment-upload');
    await world.control('POST', `/orders/${order.orderId}/cancel`, { reason: 'Cancelled by Amazon' });
    await world.finishFeeds();
    const problems = await cli('shipments', 'list', '--company', company(), '--problems');
    expect(problems.stdout).toMatch(new RegExp(`${recorded.id}\\s+${order.orderId}\\s+rejected`));
    expect(problems.stdout).toMatch(/18028: .*cancel/i);

    const requeued = await cli('shipments', 'requeue', '--company', company(), String(recorded.id));
    expect(requeued.code).toBe(0);
    const again = await cli('shipments', 'requeue', '--company', company(), String(recorded.id));
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(/only rejected shipments can be re-queued: \d+ is pending_upload/);

    await world.run('fulfillment-upload');
    const listed = JSON.parse(
      (await cli('shipments', 'list', '--company', company(), '--problems', '--json')).stdout,
    ) as Shipment[];
    expect(listed).toEqual([
      expect.objectContaining({
        id: recorded.id,
        state: 'voided',
        voidReason: 'order cancelled on Amazon before upload',
      }),
    ]);
  });

  it('sets the default ship-from address and shows metrics per marketplace', async () => {
    const set = await cli(
      'shipments',
      'ship-from',
      '--company',
      company(),
      '--ship-from-line1',
      '2 Quay Street',
      '--json',
    );
    expect(JSON.parse(set.stdout)).toMatchObject({ line1: '2 Quay Street', city: 'Reno', country: 'US' });
    const bad = await cli('shipments', 'ship-from', '--company', company(), '--ship-from-country', 'usa');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/country: expected a two-letter country code/);

    const metrics = await cli('metrics', '--company', company(), '--json');
    expect(metrics.code).toBe(0);
    const [marketplace] = JSON.parse(metrics.stdout) as {
      marketplaceId: string;
      lateShipmentRate: unknown[];
    }[];
    expect(marketplace?.marketplaceId).toBe('ATVPDKIKX0DER');
    expect(marketplace?.lateShipmentRate).toHaveLength(2);
    const text = await cli('metrics', '--company', company());
    expect(text.stdout).toMatch(/late shipment rate, 10 days: .*target 4%/);
    expect(text.stdout).toMatch(/valid tracking rate, 30 days: .*target 95%/);
  });

  it('ship says how it read the date, and that nothing is uploaded while the upload toggle is off', async () => {
    const offOrder = await world.createOrder({ items: [{ quantity: 1 }] });
    await world.downloadOrders();
    await world.context.db
      .updateTable('companies')
      .set({ allow_fulfillment_upload: false })
      .where('id', '=', world.company.id)
      .execute();
    try {
      const shipped = await cli(
        'ship',
        '--company',
        company(),
        '--order',
        offOrder.orderId,
        '--carrier',
        'ups',
        '--tracking',
        '1Z999AA10123456784',
        '--ship-date',
        world.now().toISOString(),
        '--item',
        `${offOrder.orderItems[0]!.orderItemId}:1`,
      );
      expect(shipped.code).toBe(0);
      expect(shipped.stderr).toMatch(/note: ship date \S+ read with its own zone/);
      expect(shipped.stderr).toMatch(
        new RegExp(
          `fulfillment upload is off for company ${company()}: this shipment will not be uploaded until it is on`,
        ),
      );
    } finally {
      await world.context.db
        .updateTable('companies')
        .set({ allow_fulfillment_upload: true })
        .where('id', '=', world.company.id)
        .execute();
    }
  });

  it("reads a local ship date in the company's time zone and says so", async () => {
    const localOrder = await world.createOrder({ items: [{ quantity: 1 }] });
    await world.downloadOrders();
    const zone = await cli('company', 'set', company(), '--timezone', 'asia/tokyo', '--json');
    expect(zone.code, zone.stderr).toBe(0);
    expect(JSON.parse(zone.stdout)).toMatchObject({ timeZone: 'Asia/Tokyo' });
    const refused = await cli('company', 'set', company(), '--timezone', 'Mars/Olympus_Mons');
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/timeZone: expected an IANA time zone name/);

    // An hour after the purchase, as a Tokyo wall clock shows it (Tokyo is UTC+9 all year).
    const shipInstant = new Date(Date.parse(localOrder.createdTime) + 3_600_000);
    shipInstant.setUTCSeconds(0, 0);
    const tokyo = new Date(shipInstant.getTime() + 9 * 3_600_000).toISOString().slice(0, 16);
    const shipped = await cli(
      ...['ship', '--company', company(), '--order', localOrder.orderId, '--carrier', 'ups'],
      ...['--tracking', '1Z999AA10123456784', '--ship-date', tokyo],
      ...['--item', `${localOrder.orderItems[0]!.orderItemId}:1`, '--json'],
    );
    expect(shipped.code, shipped.stderr).toBe(0);
    expect((JSON.parse(shipped.stdout) as { shipDate: string }).shipDate).toBe(shipInstant.toISOString());
    // Besides the notes, stderr carries the log lines (the CLOCK_START warning).
    const notes = shipped.stderr
      .split('\n')
      .filter(Boolean)
      .flatMap((line) => (JSON.parse(line) as { note?: string }).note ?? []);
    expect(notes[0]).toBe(
      `ship date ${tokyo} read as a local time in the company's time zone Asia/Tokyo: ${shipInstant.toISOString()}; give a zone (Z, -08:00) to say otherwise`,
    );
  });

  it("ships at Amazon's now without --ship-date or with --ship-date now, and says so", async () => {
    const nowOrder = await world.createOrder({ items: [{ quantity: 2 }] });
    await world.downloadOrders();
    const amazonNow = () => world.server.sim.clock.now().getTime();
    for (const shipDate of [[], ['--ship-date', 'now']]) {
      const before = amazonNow();
      const shipped = await cli(
        ...['ship', '--company', company(), '--order', nowOrder.orderId, '--carrier', 'ups'],
        ...['--tracking', '1Z999AA10123456784', ...shipDate],
        ...['--item', `${nowOrder.orderItems[0]!.orderItemId}:1`, '--json'],
      );
      const after = amazonNow();
      expect(shipped.code, shipped.stderr).toBe(0);
      // Amazon's clock (the simulator's) runs a day behind ours here: the ship date is on Amazon's.
      const recorded = new Date((JSON.parse(shipped.stdout) as { shipDate: string }).shipDate);
      expect(recorded.getTime()).toBeGreaterThanOrEqual(before - 2_000);
      expect(recorded.getTime()).toBeLessThanOrEqual(after + 1_000);
      expect(recorded.getTime()).toBeGreaterThan(Date.parse(nowOrder.createdTime));
      const notes = shipped.stderr
        .split('\n')
        .filter(Boolean)
        .flatMap((line) => (JSON.parse(line) as { note?: string }).note ?? []);
      expect(notes[0]).toBe(
        `ship date now, on Amazon's clock (24.0 h behind ours, as the last order download measured): ${recorded.toISOString()}`,
      );
    }
  });
});
