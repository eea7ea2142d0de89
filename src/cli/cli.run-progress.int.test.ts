import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCliProcess } from '../../test/helpers/cli.js';
import { createTestContext, type TestContext } from '../../test/helpers/context.js';
import { startProcess } from '../../test/helpers/process.js';
import { createOrder } from '../simulator/generator.js';
import { startSimulator, type SimulatorServer } from '../simulator/server.js';
import { DEFAULT_SELLER } from '../simulator/simulation.js';

/**
 * `sellersync run` on long work: progress on stderr and in the run's row while it runs, and Ctrl-C closes
 * the run as stopped at once, even while Amazon is slow to answer.
 */

const AMAZON_NOW = new Date('2026-11-20T12:00:00Z');

let context: TestContext;
let simulator: SimulatorServer;
beforeAll(async () => {
  context = await createTestContext();
  simulator = await startSimulator({ seed: 7, startTime: AMAZON_NOW, ordersPerHour: 0 });
  // Our clock, in every CLI process (CLOCK_START), is the simulated marketplace's.
  context.now = () => simulator.sim.now();
  const placed = new Date(AMAZON_NOW.getTime() - 6 * 3_600_000);
  for (let i = 0; i < 150; i++) {
    createOrder(simulator.sim, { items: [{ sku: `SKU-${i}`, quantity: 1, customized: false }] }, placed);
  }
});
afterAll(async () => {
  simulator.sim.faults.clear();
  await simulator.close();
  await context.cleanup();
});

const control = (method: string, path: string, body?: unknown) =>
  fetch(`${simulator.url}/_sim${path}`, {
    method,
    headers: { 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });

const searchCalls = () =>
  simulator.sim.store.requests.filter((request) => request.operation === 'searchOrders').length;

async function until(what: string, probe: () => boolean | Promise<boolean>, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

interface RunRow {
  id: number;
  status: string;
  counts: Record<string, number>;
  error: string | null;
}

describe('run: progress and Ctrl-C', { timeout: 120_000 }, () => {
  it('prints progress, shows it in runs while running, and closes the run as stopped on SIGINT', async () => {
    const added = await runCliProcess(
      [
        ...['company', 'add', '--name', 'Slow Amazon', '--seller-id', DEFAULT_SELLER.sellerId],
        ...['--region', 'na', '--marketplace', DEFAULT_SELLER.marketplaceId, '--endpoint', simulator.url],
        ...['--lwa-client-id', DEFAULT_SELLER.clientId, '--lwa-client-secret', DEFAULT_SELLER.clientSecret],
        ...['--refresh-token', DEFAULT_SELLER.refreshToken, '--allow-order-download', 'on', '--json'],
      ],
      context.childEnv(),
    );
    expect(added.code, added.stderr).toBe(0);
    const companyId = String((JSON.parse(added.stdout) as { id: number }).id);
    // Amazon answers the first page at once and then takes minutes over the second.
    await control('POST', '/faults', { kind: 'slow', operation: 'searchOrders', delayMs: 0 });
    await control('POST', '/faults', { kind: 'slow', operation: 'searchOrders', delayMs: 300_000 });

    const run = startProcess(
      ['bin/sellersync.js', 'run', 'order-download', '--company', companyId],
      context.childEnv({ LOG_LEVEL: 'warn' }),
    );
    await run.waitFor(/progress: searchOrders page 1 fetched: 100 orders; 100 stored in this run/, 60_000);
    const running = JSON.parse(
      (await runCliProcess(['runs', '--company', companyId, '--json'], context.childEnv())).stdout,
    ) as RunRow[];
    expect(running[0]).toMatchObject({ status: 'running', counts: { pages: 1, received: 100 } });
    // The second page is asked for and not answered.
    await until('the slow second page', async () => {
      const faults = (await (await control('GET', '/faults')).json()) as { pending?: unknown[] };
      return (faults.pending ?? []).length === 0;
    });

    run.child.kill('SIGINT');
    expect(await run.exited).toBe(130);
    expect(searchCalls()).toBe(1); // stopped before Amazon answered the second page
    expect(run.output()).toMatch(/stopping the run at its next safe point/);

    const after = JSON.parse(
      (await runCliProcess(['runs', '--company', companyId, '--json'], context.childEnv())).stdout,
    ) as RunRow[];
    expect(after).toHaveLength(1);
    expect(after[0]).toMatchObject({ status: 'stopped', counts: { pages: 1, received: 100 } });
    expect(after[0]?.error).toMatch(/^interrupted \(SIGINT\)/);
  });
});
