import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { updateCompany } from '../../src/companies/companies.service.js';
import { FaultWorld } from './world.js';

let world: FaultWorld;

beforeAll(async () => {
  world = await FaultWorld.start({ seed: 160 });
  world.cursors.start();
  await world.startDaemon();
});

afterAll(async () => {
  await world?.close();
});

describe('the harness without faults', () => {
  it('downloads, ships, cancels and refunds through a real daemon, and the invariants hold', async () => {
    const [shipped = '', cancelled = '', left = ''] = world.placeOrders([
      { items: [{ quantity: 2 }] },
      {},
      { items: [{ quantity: 1 }, { quantity: 3 }] },
    ]);
    world.advance(5);
    await world.downloadNow();
    await world.downloadNow();
    await world.shipWholeOrder(shipped, '1Z999AA10123456784');
    await world.cancelOrder(cancelled);
    await world.settle();
    await world.refundOrder(shipped);
    await world.settle();

    const report = await world.check();
    expect(report.violations).toEqual([]);
    expect(report.counts).toEqual({ orders: 3, shipments: 1, cancellations: 1, refunds: 1, settlements: 0 });
    expect(report.pending).toEqual({ shipments: 0, cancellations: 0, refunds: 0 });
    const sim = world.simulator.sim.store.orders;
    expect(sim.get(shipped)?.status).toBe('SHIPPED');
    expect(sim.get(cancelled)?.status).toBe('CANCELLED');
    expect(sim.get(left)?.status).toBe('UNSHIPPED');
    expect(world.cursors.samples).toBeGreaterThan(0);
  });

  it('the check sees a doubled shipment, a lost order and a secret in a log line', async () => {
    const [order = ''] = world.placeOrders([{}]);
    world.advance(5);
    const store = world.simulator.sim.store;
    const confirmed = await world.context.db
      .selectFrom('shipments')
      .select(['amazon_order_id', 'tracking_number'])
      .where('state', '=', 'confirmed')
      .executeTakeFirstOrThrow();
    const target = store.orders.get(confirmed.amazon_order_id)!;
    const twin = { ...target.packages[0]!, packageReferenceId: 'twin' };
    target.packages.push(twin);
    const daemon = world.daemons[0]!.process;
    const output = daemon.output;
    daemon.output = () => `{"msg":"oops","token":"${world.seller().refreshToken}"}`;
    try {
      const report = await world.check({ abandonedAfterMs: 0 });
      const kinds = report.violations.map((v) => v.invariant).sort();
      expect(kinds).toEqual(['logs', 'orders', 'shipments', 'shipments']);
      expect(report.violations.find((v) => v.invariant === 'orders')?.detail).toContain(order);
    } finally {
      target.packages.pop();
      daemon.output = output;
    }
  });

  it('the check sees a settlement line stored twice', async () => {
    const { db, config } = world.context;
    await updateCompany(db, config.keyring, world.seller().company.id, { settlementReconciliation: true });
    await world.downloadNow();
    await world.control('POST', '/settlements/close');
    await world.succeedNow('settlement-reconciliation');
    const clean = await world.check({ abandonedAfterMs: 0 });
    expect(clean.violations).toEqual([]);
    expect(clean.counts.settlements).toBe(1);

    const [line] = await db
      .selectFrom('settlement_lines')
      .selectAll()
      .orderBy('line', 'desc')
      .limit(1)
      .execute();
    await db
      .insertInto('settlement_lines')
      .values({ ...line!, line: line!.line + 1 })
      .execute();
    const report = await world.check({ abandonedAfterMs: 0 });
    expect(report.violations).toEqual([
      {
        invariant: 'settlements',
        detail: expect.stringMatching(
          /^settlement \d+ row .*: stored 2 times, Amazon's file has it 1 times$/,
        ),
      },
    ]);
  });
});
