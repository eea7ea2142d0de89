import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import {
  createTestContext,
  dropDatabase,
  TEST_CLOCK_START,
  type TestContext,
} from '../../test/helpers/context.js';
import { startProcess } from '../../test/helpers/process.js';
import { createRedis, deleteKeysWithPrefix } from '../shared/redis.js';
import { demoStores } from './demo-stores.js';

/**
 * `sellersync demo` as a new user runs it, twice on one database: each run downloads its own simulated
 * Amazon's orders, the warehouse records a shipment, the seller accepts a buyer's cancellation request
 * and cancels an out-of-stock order whose SKU goes to 0 on Amazon, the shipped order's return is refunded
 * less a restocking fee and Amazon accepts it, and a clean stop. (The simulator keeps Amazon in
 * memory: the second run's orders reuse the first run's ids.)
 */

let context: TestContext;
let demoDatabaseUrl: string;
beforeAll(async () => {
  context = await createTestContext();
  demoDatabaseUrl = demoStores(context.env).databaseUrl;
});
afterAll(async () => {
  await dropDatabase(new URL(demoDatabaseUrl).pathname.slice(1));
  const redis = createRedis(context.env.REDIS_URL ?? '');
  await deleteKeysWithPrefix(redis, demoStores(context.env).redisPrefix);
  await redis.quit();
  await context.cleanup();
});

async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

async function query<T>(text: string): Promise<T[]> {
  const client = new pg.Client({ connectionString: demoDatabaseUrl });
  await client.connect();
  try {
    return (await client.query(text)).rows as T[];
  } finally {
    await client.end();
  }
}

interface DemoRun {
  simulatedOrderIds: string[];
  storedOrderIds: string[];
  output: string;
}

async function runDemoOnce(): Promise<DemoRun> {
  // Both clocks pinned: the daemon's by CLOCK_START, and the demo's simulator starts where it is.
  const demo = startProcess(
    ['bin/sellersync.js', 'demo', '--port', '0'],
    context.childEnv({ LOG_PRETTY: 'false', LOG_LEVEL: 'info' }, TEST_CLOCK_START),
  );
  try {
    const [, url = ''] = await demo.waitFor(/simulated Amazon\s+(http:\/\/\S+)/, 90_000);
    const seeded = (await (await fetch(`${url}/_sim/orders`)).json()) as { orders: { orderId: string }[] };
    expect(seeded.orders.length).toBeGreaterThanOrEqual(5);
    const [company] = await query<{ id: number; endpoint: string }>('SELECT id, endpoint FROM companies');
    expect(company?.endpoint).toBe(url);
    await demo.waitFor(/demo: warehouse recorded a shipment/, 90_000);
    await demo.waitFor(/demo: seller accepted the buyer’s cancellation request/, 90_000);
    await demo.waitFor(/demo: seller cancelled an order it has no stock for \(NoInventory\)/, 90_000);
    // The cancellation upload (every minute in the demo) zeroes the SKU on Amazon.
    await demo.waitFor(
      /amazon: listing quantity set.*BOARD-CUTTING-OAK|BOARD-CUTTING-OAK.*amazon: listing quantity set/,
      120_000,
    );
    // The shipped order comes back: received, refunded less a restocking fee, accepted by Amazon.
    await demo.waitFor(/demo: seller received the return and refunded it less a restocking fee/, 180_000);
    await demo.waitFor(/demo: Amazon accepted the refund of the return; the return is closed/, 240_000);
    const stored = await until(
      'orders downloaded',
      async () => {
        const rows = await query<{ amazon_order_id: string }>('SELECT amazon_order_id FROM orders');
        return rows.length > 0 ? rows.map((row) => row.amazon_order_id) : undefined;
      },
      60_000,
    );
    const now = (await (await fetch(`${url}/_sim/orders`)).json()) as { orders: { orderId: string }[] };
    return {
      simulatedOrderIds: now.orders.map((order) => order.orderId),
      storedOrderIds: stored,
      output: demo.output(),
    };
  } finally {
    demo.child.kill('SIGTERM');
    expect(await demo.exited, `sellersync demo printed:\n${demo.output().slice(-4000)}`).toBe(0);
  }
}

describe('sellersync demo', () => {
  it('runs twice on the same database, the second time like the first', { timeout: 900_000 }, async () => {
    const first = await runDemoOnce();
    const second = await runDemoOnce();
    for (const run of [first, second]) {
      expect(run.storedOrderIds.every((id) => run.simulatedOrderIds.includes(id))).toBe(true);
      expect(run.output).not.toMatch(/shipment not recorded yet/);
      expect(run.output).not.toMatch(/simulator-client-secret/);
    }
    // The same seed makes the same order ids: the second run must not see the first run's orders.
    expect(second.simulatedOrderIds.some((id) => first.simulatedOrderIds.includes(id))).toBe(true);
    const companies = await query<{ id: number }>('SELECT id FROM companies');
    expect(companies).toHaveLength(1);
    const shipments = await query<{ state: string; order_status: string }>(
      `SELECT s.state, o.status AS order_status FROM shipments s JOIN orders o ON o.id = s.order_id`,
    );
    expect(shipments).toHaveLength(1);
    expect(shipments.every((row) => row.order_status !== 'Unshipped' || row.state !== 'confirmed')).toBe(
      true,
    );
    const cancellations = await query<{ reason: string; buyer_requested: boolean }>(
      'SELECT reason, buyer_requested FROM cancellations ORDER BY reason',
    );
    expect(cancellations).toEqual([
      { reason: 'BuyerCanceled', buyer_requested: true },
      { reason: 'NoInventory', buyer_requested: false },
    ]);
    const returns = await query<{ state: string; refund_state: string; fee: string }>(
      `SELECT r.state, f.state AS refund_state, l.amount::text AS fee FROM returns r
         JOIN refunds f ON f.id = r.refund_id
         JOIN refund_lines l ON l.refund_id = f.id AND l.component = 'RestockingFee'`,
    );
    expect(returns).toEqual([{ state: 'closed', refund_state: 'accepted', fee: '-1.0000' }]);
    const zeroed = await query<{ sku: string }>('SELECT sku FROM inventory_zeroings');
    expect(zeroed).toEqual([{ sku: 'BOARD-CUTTING-OAK' }]);
    // Nothing of the demo in the operator's database.
    expect(await context.db.selectFrom('companies').select('id').execute()).toEqual([]);
  });
});
