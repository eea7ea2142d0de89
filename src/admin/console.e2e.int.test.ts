import { existsSync } from 'node:fs';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_ADMIN_TOKEN } from '../../test/helpers/context.js';
import {
  startFulfillmentWorld,
  type FulfillmentWorld,
  type SimOrderView,
} from '../fulfillment/fulfillment.test-support.js';
import { listSchedules } from '../jobs/schedules.js';
import { createAdminServer, listen, type AdminServer } from './server.js';

/** The web console in a real headless Chromium (Debian's, installed by .ci/run when missing). */
const CHROMIUM = '/usr/bin/chromium';
const haveChromium = existsSync(CHROMIUM);
if (!haveChromium)
  console.warn(`console browser tests skipped: ${CHROMIUM} is not installed (apt-get install chromium)`);

let world: FulfillmentWorld;
let server: AdminServer;
let browser: Browser;
let page: Page;
let base: string;

beforeAll(async () => {
  if (!haveChromium) return;
  world = await startFulfillmentWorld(1601);
  server = await createAdminServer(world.context, { queues: () => world.queues });
  const address = await listen(server, '127.0.0.1', 0);
  base = `http://127.0.0.1:${address.port}`;
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  page = await browser.newPage({ viewport: { width: 1300, height: 900 } });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
  await world?.close();
});

async function allowOrderDownload(): Promise<boolean> {
  const row = await world.context.db
    .selectFrom('companies')
    .select('allow_order_download')
    .where('id', '=', world.company.id)
    .executeTakeFirstOrThrow();
  return row.allow_order_download;
}

describe.skipIf(!haveChromium)('the web console', () => {
  it('refuses a wrong token and signs in with the admin token into an HttpOnly SameSite=Strict cookie', async () => {
    await page.goto(`${base}/console`);
    expect(page.url()).toBe(`${base}/console/login`);
    await page.fill('input[name=token]', 'not-the-token');
    await page.click('button');
    await expect(page.textContent('body')).resolves.toContain('Wrong token');
    await page.goto(`${base}/console/login`);
    await page.fill('input[name=token]', TEST_ADMIN_TOKEN);
    await page.click('button');
    expect(page.url()).toBe(`${base}/console`);
    const [cookie] = await page.context().cookies();
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Strict' });
    expect(cookie?.value).not.toContain(TEST_ADMIN_TOKEN);
  });

  it('switches a company’s download toggle in place: Postgres and the next scheduled run follow', async () => {
    const row = page.locator(`tr[data-company="${world.company.id}"]`);
    await expect(row.locator('[data-toggle=allowOrderDownload]').textContent()).resolves.toBe('on');
    await row
      .locator('div', { has: page.locator('[data-toggle=allowOrderDownload]') })
      .locator('button')
      .click();
    expect(await allowOrderDownload()).toBe(false);
    await expect(row.locator('[data-toggle=allowOrderDownload]').textContent()).resolves.toBe('off');
    await expect(row.locator('tr[data-kind=order-download]').textContent()).resolves.toContain(
      'not scheduled',
    );
    await row
      .locator('div', { has: page.locator('[data-toggle=allowOrderDownload]') })
      .locator('button')
      .click();
    expect(await allowOrderDownload()).toBe(true);
    // Switched on again, the download is scheduled: its next run is the one BullMQ's job scheduler holds.
    const [schedule] = (await listSchedules(world.queues)).filter(
      (s) => s.companyId === world.company.id && s.kind === 'order-download',
    );
    const nextRun = row.locator('tr[data-kind=order-download]');
    await expect(nextRun.textContent()).resolves.toContain(`${schedule!.next!.toISOString()}`);
  });

  it('runs a download from the page, and the orders appear', async () => {
    const plain = await world.createOrder({ items: [{ quantity: 1 }] });
    const requested = await world.createOrder({ items: [{ quantity: 1 }] });
    toShip = await world.createOrder({ items: [{ quantity: 2 }] });
    toCancel = await world.createOrder({ items: [{ quantity: 1 }] });
    await world.control('POST', `/orders/${requested.orderId}/buyer-cancel-request`, {
      reason: 'Ordered by mistake',
    });
    await world.advance(5);
    // The first run learns Amazon's clock after the jump; the second one's window reaches the new orders.
    for (let run = 0; run < 2; run++) {
      await page.goto(`${base}/console`);
      await page.click(`tr[data-company="${world.company.id}"] button:has-text("Download orders now")`);
      expect(page.url()).toBe(`${base}/console/runs?company=${world.company.id}`);
    }
    await expect(page.textContent('body')).resolves.toContain('succeeded');
    await page.goto(`${base}/console/orders`);
    await expect(page.locator(`tr[data-order="${plain.orderId}"]`).count()).resolves.toBe(1);
    await page.click(`a:has-text("${plain.orderId}")`);
    await expect(page.textContent('body')).resolves.toContain('first_seen');
    requestedOrderId = requested.orderId;
  });

  it('accepts a buyer cancellation request from the attention page', async () => {
    await page.goto(`${base}/console/attention`);
    const request = page.locator(`tr[data-request="${requestedOrderId}"]`);
    await expect(request.count()).resolves.toBe(1);
    await request.locator('button:has-text("Accept")').click();
    const cancellations = await world.context.db
      .selectFrom('cancellations')
      .select(['reason', 'buyer_requested'])
      .where('amazon_order_id', '=', requestedOrderId)
      .execute();
    expect(cancellations).toEqual([{ reason: 'BuyerCanceled', buyer_requested: true }]);
    await expect(page.locator(`tr[data-request="${requestedOrderId}"]`).count()).resolves.toBe(0);
    await page.goto(`${base}/console/audit`);
    await expect(page.textContent('body')).resolves.toContain('cancel-request.accept');
  });

  it('ships from the order page: the shipment is recorded, and the same units again are refused with the reason', async () => {
    const orderPage = `${base}/console/companies/${world.company.id}/orders/${toShip.orderId}`;
    await page.goto(orderPage);
    const ship = page.locator('form[data-form=Ship]');
    await expect(ship.locator('input[name=shipDate]').inputValue()).resolves.toBe('now');
    await ship.locator('input[name=trackingNumber]').fill('1Z999AA10123456784');
    const before = world.server.sim.clock.now().getTime();
    await ship.locator('button').click();
    await expect(page.textContent('body')).resolves.toContain('recorded, pending upload');
    const recorded = await world.context.db
      .selectFrom('shipments')
      .select(['state', 'carrier_code', 'tracking_number', 'ship_date'])
      .where('amazon_order_id', '=', toShip.orderId)
      .execute();
    expect(recorded).toEqual([
      {
        state: 'pending_upload',
        carrier_code: 'UPS',
        tracking_number: '1Z999AA10123456784',
        ship_date: expect.any(Date),
      },
    ]);
    // Shipped now: on Amazon's clock (the simulator's, a day behind ours here).
    const shipDate = recorded[0]!.ship_date.getTime();
    expect(shipDate).toBeGreaterThanOrEqual(before - 2_000);
    expect(shipDate).toBeLessThanOrEqual(world.server.sim.clock.now().getTime());
    // The answer page reloaded sends the same form again: nothing is recorded twice.
    await page.reload();
    await expect(page.textContent('body')).resolves.toContain('sent already');
    await page.goto(orderPage);
    await expect(page.locator('tr[data-shipment]').count()).resolves.toBe(1);
    await page.locator('form[data-form=Ship] input[name=trackingNumber]').fill('1Z999AA10123456785');
    await page.locator('form[data-form=Ship] button').click();
    await expect(page.textContent('body')).resolves.toMatch(/cannot ship 2, only 0 left/);
    await expect(
      world.context.db
        .selectFrom('shipments')
        .select('id')
        .where('amazon_order_id', '=', toShip.orderId)
        .execute(),
    ).resolves.toHaveLength(1);
  });

  it('cancels from the order page; Amazon rejects it; its feed and the attention page show why; requeued from there', async () => {
    // The accepted buyer request goes first, so that Amazon refuses this cancellation alone.
    await world.run('cancellation-upload');
    await world.finishFeeds();
    await page.goto(`${base}/console/companies/${world.company.id}/orders/${toCancel.orderId}`);
    await page.locator('form[data-form=Cancel] button').click();
    await expect(page.textContent('body')).resolves.toContain('cancel rate (7 days)');
    await world.control('POST', '/faults', { kind: 'cancel-refused', count: 1 });
    await world.run('cancellation-upload');
    await world.finishFeeds();
    await page.goto(`${base}/console/attention`);
    const rejected = page.locator('tr[data-rejected^=cancellation-]', { hasText: toCancel.orderId });
    await expect(rejected.textContent()).resolves.toContain('could not be processed at this time');
    // The feed that carried it shows Amazon's answer per message.
    const [feed] = await world.context.db
      .selectFrom('feeds')
      .select('id')
      .where('kind', '=', 'order-acknowledgement')
      .orderBy('id', 'desc')
      .limit(1)
      .execute();
    await page.goto(`${base}/console/feeds`);
    await page.click(`tr[data-feed="${feed!.id}"] a`);
    await expect(page.locator('tr[data-message]').textContent()).resolves.toMatch(
      /rejected.*could not be processed/s,
    );
    // The cancellation upload queued by the form waits in its queue (no worker runs in this test).
    await page.goto(`${base}/console/queues`);
    const waiting = (await world.queues['cancellation-upload'].getJobCounts('waiting')).waiting;
    expect(waiting).toBeGreaterThan(0);
    await expect(page.locator('tr[data-queue=cancellation-upload] td').nth(1).textContent()).resolves.toBe(
      String(waiting),
    );
    await page.goto(`${base}/console/attention`);
    await rejected.locator('button:has-text("Requeue")').click();
    const [cancellation] = await world.context.db
      .selectFrom('cancellations')
      .select(['state', 'result_code'])
      .where('amazon_order_id', '=', toCancel.orderId)
      .execute();
    expect(cancellation).toEqual({ state: 'requested', result_code: null });
    await expect(page.locator('tr[data-rejected^=cancellation-]').count()).resolves.toBe(0);
    // The cancellation counts against the 7-day pre-fulfilment cancel rate, drawn against Amazon's 2.5 %.
    await page.goto(`${base}/console/health`);
    const cancelRate = page.locator('tr[data-figure="pre-fulfilment cancel, 7 days"]');
    await expect(cancelRate.textContent()).resolves.toMatch(/misses the target/);
    await expect(cancelRate.locator('svg circle').count()).resolves.toBeGreaterThan(0);
  });

  it('refuses a form posted without the console’s CSRF value', async () => {
    const response = await page.request.post(`${base}/console/companies/${world.company.id}/toggle`, {
      form: { setting: 'allowOrderDownload', value: 'off' },
    });
    expect(response.status()).toBe(403);
    expect(await allowOrderDownload()).toBe(true);
  });
});

let requestedOrderId = '';
let toShip: SimOrderView;
let toCancel: SimOrderView;
