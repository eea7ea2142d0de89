import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '../../test/helpers/context.js';

/** `sellersync demo` as a new user runs it: simulator and daemon up, orders downloaded, a clean stop. */

let context: TestContext;

beforeAll(async () => {
  context = await createTestContext();
});
afterAll(async () => context.cleanup());

async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

describe('sellersync demo', () => {
  it(
    'starts the simulator and the daemon, and the demo company downloads the seeded orders',
    { timeout: 150_000 },
    async () => {
      const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/bin.ts', 'demo', '--port', '0'], {
        env: { ...context.env, LOG_PRETTY: 'false', LOG_LEVEL: 'info' },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let output = '';
      child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
      child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
      const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
      try {
        const url = await until(
          'the banner',
          async () => /simulated Amazon\s+(http:\/\/\S+)/.exec(output)?.[1],
          60_000,
        );
        const seeded = (await (await fetch(`${url}/_sim/orders`)).json()) as {
          orders: { orderId: string }[];
        };
        expect(seeded.orders.length).toBeGreaterThanOrEqual(5);
        const company = await context.db
          .selectFrom('companies')
          .select(['id', 'endpoint'])
          .executeTakeFirstOrThrow();
        expect(company.endpoint).toBe(url);
        const stored = await until(
          'orders downloaded',
          async () => {
            const rows = await context.db
              .selectFrom('orders')
              .select('amazon_order_id')
              .where('company_id', '=', company.id)
              .execute();
            return rows.length > 0 ? rows.map((row) => row.amazon_order_id) : undefined;
          },
          90_000,
        );
        const known = new Set(seeded.orders.map((order) => order.orderId));
        expect(stored.every((id) => known.has(id) || id.length > 0)).toBe(true);
        expect(stored.some((id) => known.has(id))).toBe(true);
      } finally {
        child.kill('SIGTERM');
      }
      expect(await exited).toBe(0);
      expect(output).not.toMatch(/simulator-client-secret/);
    },
  );
});
