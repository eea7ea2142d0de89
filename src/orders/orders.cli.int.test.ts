import { execFile } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '../../test/helpers/context.js';
import { MINUTE } from '../simulator/clock.js';
import { placeOrders, runDownload, simulatedSeller, type SimulatedSeller } from './download.test-support.js';

let context: TestContext;
let seller: SimulatedSeller;
let ids: string[];

/** The real `sellersync` command, from the TypeScript source, in a new process. */
function cli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', 'src/cli/bin.ts', ...args],
      { env: context.childEnv(), timeout: 60_000 },
      (error, stdout, stderr) =>
        resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr }),
    );
  });
}

beforeAll(async () => {
  context = await createTestContext();
  seller = await simulatedSeller(context);
  // Our clock, in this process and (as CLOCK_START) in the CLI's, is the simulated marketplace's.
  context.now = () => seller.server.sim.now();
  ids = placeOrders(seller, [
    { fulfilledBy: 'MERCHANT', programs: ['PRIME'], serviceLevel: 'STANDARD' },
    { fulfilledBy: 'MERCHANT', programs: [], serviceLevel: 'SECOND_DAY', buyerCancelRequestAfterMinutes: 35 },
    { fulfilledBy: 'AMAZON', programs: ['PRIME'], serviceLevel: 'STANDARD' },
  ]);
  seller.server.sim.advance(60 * MINUTE);
  await runDownload(context, seller);
});

afterAll(async () => {
  await seller.server.close();
  await context.cleanup();
});

describe('sellersync orders', { timeout: 120_000 }, () => {
  it('lists orders with filters, as JSON', async () => {
    const all = await cli('orders', 'list', '--company', String(seller.company.id), '--json');
    expect(all.code).toBe(0);
    expect(
      (JSON.parse(all.stdout) as { amazonOrderId: string }[]).map((o) => o.amazonOrderId).sort(),
    ).toEqual([...ids].sort());

    const primeMerchant = await cli(
      'orders',
      'list',
      '--subtype',
      'Prime',
      '--channel',
      'MFN',
      '--status',
      'Unshipped',
      '--json',
    );
    expect(
      (JSON.parse(primeMerchant.stdout) as { amazonOrderId: string }[]).map((o) => o.amazonOrderId),
    ).toEqual([ids[0]]);

    const onHold = await cli('orders', 'list', '--on-hold', '--json');
    expect(JSON.parse(onHold.stdout)).toMatchObject([
      { amazonOrderId: ids[1], onHold: true, subtypes: ['Second Day'] },
    ]);

    const text = await cli('orders', 'list', '--company', String(seller.company.id));
    expect(text.stdout).toContain('amazonOrderId');
    expect(text.stdout).toContain(ids[2]);
  });

  it('shows an order with items, flags and timeline, and buyer data only when asked', async () => {
    const shown = await cli('orders', 'show', ids[1] ?? '', '--json');
    expect(shown.code).toBe(0);
    const details = JSON.parse(shown.stdout) as {
      order: Record<string, unknown>;
      items: unknown[];
      timeline: { kind: string }[];
      buyer?: unknown;
    };
    expect(details.order).toMatchObject({ amazonOrderId: ids[1], onHold: true, status: 'Unshipped' });
    expect(details.items.length).toBeGreaterThan(0);
    expect(details.timeline.map((e) => e.kind)).toEqual(['first_seen', 'cancel_requested']);
    expect(details.buyer).toBeUndefined();

    const withBuyer = await cli('orders', 'show', ids[1] ?? '', '--buyer-data', '--json');
    expect((JSON.parse(withBuyer.stdout) as { buyer: { name: string } }).buyer.name).toBeTruthy();

    const human = await cli('orders', 'show', ids[1] ?? '');
    expect(human.stdout).toMatch(
      /flags\s+on hold \(buyer requested cancellation: .+\); respond to the cancellation request by/,
    );
    expect(human.stdout).toContain('timeline:');
  });

  it('lists seller-fulfilled orders due to ship within the hours, soonest first', async () => {
    const rows = await context.db
      .selectFrom('orders')
      .select(['amazon_order_id', 'latest_ship_date'])
      .where('company_id', '=', seller.company.id)
      .where('fulfillment_channel', '=', 'MFN')
      .where('status', 'in', ['Unshipped', 'PartiallyShipped'])
      .orderBy('latest_ship_date')
      .execute();
    const now = context.now!().getTime();
    const horizonHours = Math.ceil(((rows.at(-1)?.latest_ship_date?.getTime() ?? now) - now) / 3_600_000) + 1;
    const atRisk = await cli('orders', 'at-risk', '--hours', String(horizonHours), '--json');
    expect(atRisk.code).toBe(0);
    const listed = JSON.parse(atRisk.stdout) as { amazonOrderId: string; hoursLeft: number; late: boolean }[];
    expect(listed.map((o) => o.amazonOrderId).sort()).toEqual(rows.map((r) => r.amazon_order_id).sort());
    const hours = listed.map((o) => o.hoursLeft);
    expect(hours).toEqual([...hours].sort((a, b) => a - b));
    expect(listed.every((o) => o.hoursLeft <= horizonHours && o.late === o.hoursLeft < 0)).toBe(true);
    const none = await cli('orders', 'at-risk', '--hours', '1', '--json');
    const soon = rows.filter((r) => (r.latest_ship_date?.getTime() ?? Infinity) <= now + 3_600_000);
    expect((JSON.parse(none.stdout) as unknown[]).length).toBe(soon.length);
  });

  it('refuses a wrong flag value with exit code 2 and says what is expected', async () => {
    const badStatus = await cli('orders', 'list', '--status', 'Lost');
    expect(badStatus.code).toBe(2);
    expect(badStatus.stderr).toMatch(/unknown status Lost; expected PendingAvailability, Pending/);
    const badDate = await cli('orders', 'list', '--from', 'yesterday');
    expect(badDate.code).toBe(2);
    expect(badDate.stderr).toMatch(/expected an ISO date or date-time, e.g. 2026-11-20/);
    const missing = await cli('orders', 'show', '999-0000000-0000000');
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/order 999-0000000-0000000 has not been downloaded/);
  });
});
