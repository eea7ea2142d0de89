import { afterEach, describe, expect, it } from 'vitest';
import { updateCompany } from '../../src/companies/companies.service.js';
import { ABANDONED } from '../../src/jobs/job-runs.repository.js';
import { FaultWorld, until } from './world.js';

let world: FaultWorld | undefined;

afterEach(async () => {
  await world?.close();
  world = undefined;
});


async function setToggles(of: FaultWorld, changes: Record<string, boolean>, sellerIndex = 0): Promise<void> {
  const { context } = of;
  await updateCompany(context.db, context.config.keyring, of.seller(sellerIndex).company.id, changes);
}

describe('a run left behind by a killed daemon', { timeout: 300_000 }, () => {
  it('a killed upload whose kind is not run again is closed as abandoned once its lease lapses', async () => {
    const w = (world = await FaultWorld.start({ seed: 171 }));
    w.cursors.start();
    const first = await w.startDaemon();
    await w.idle();
    const [order = ''] = w.placeOrders([{}]);
    w.advance(5);
    await w.downloadNow();
    await w.shipWholeOrder(order, 'FAULTLEFT1');
    // The upload's createFeedDocument is held: the run is killed while it waits for Amazon.
    await w.fault({ kind: 'slow', operation: 'createFeedDocument', count: 1, delayMs: 60_000 });
    const killedRun = first.runNow(w.seller().company.id, 'fulfillment-upload').catch(() => 'killed');
    const running = await until(async () => {
      const [run] = await w.runs('fulfillment-upload');
      const held = w.simulator.sim.faults.list().pending.length === 0;
      return run?.status === 'running' && held ? run : undefined;
    }, 'an upload waiting on createFeedDocument');
    await first.kill9();
    const killedAt = performance.now();
    expect(await killedRun).toBe('killed');
    // The operator stops uploads for the company: no run of the kind comes to take its lease up.
    await setToggles(w, { allowFulfillmentUpload: false });
    w.simulator.sim.faults.clear();
    await w.startDaemon();

    const closed = await until(
      async () => {
        const runs = await w.runs('fulfillment-upload');
        const dead = runs.find((run) => run.id === running.id);
        return dead?.status !== 'running' ? { dead, runs } : undefined;
      },
      'the dead upload closed',
      60_000,
    ).catch(async (err: unknown) => {
      throw new Error(`${(err as Error).message}: ${JSON.stringify(await w.runs('fulfillment-upload'))}`);
    });
    const closedMs = performance.now() - killedAt;
    expect(closed.dead).toMatchObject({ status: 'failed', error: ABANDONED });
    // Closed with no later run of its kind.
    expect(closed.runs.filter((run) => run.id > running.id)).toEqual([]);
    const report = await w.check();
    expect(report.violations).toEqual([]);
    expect(report.pending.shipments).toBe(1);

    await setToggles(w, { allowFulfillmentUpload: true });
    await w.settle();
    const settled = await w.check();
    expect(settled.violations).toEqual([]);
    expect(settled.counts.shipments).toBe(1);
    expect(settled.pending.shipments).toBe(0);
    console.log(JSON.stringify({ row: 'killed upload not run again', closedMs: Math.round(closedMs) }));
  });
});
