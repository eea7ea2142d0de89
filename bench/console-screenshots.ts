/**
 * Photographs the web console's main pages into docs/console-*.png (the pictures of docs/admin.md), against
 * the marketplace simulator and a database of its own, with a few orders shipped, cancelled and refused.
 * Needs Chromium at /usr/bin/chromium. Usage: npm run docs:screenshots [-- --out docs]
 */
import { parseArgs } from 'node:util';

const { values } = parseArgs({ options: { out: { type: 'string', default: 'docs' } } });
// The template database the test helpers clone: the one global-setup builds for this process.
process.env.TEST_TEMPLATE_DATABASE = `sellersync_test_template_${process.pid}`;

const { chromium } = await import('playwright-core');
const { default: buildTemplate } = await import('../test/helpers/global-setup.js');
const { TEST_ADMIN_TOKEN } = await import('../test/helpers/context.js');
const { startFulfillmentWorld } = await import('../src/fulfillment/fulfillment.test-support.js');
const { cancel } = await import('../src/cancellations/cancellations.test-support.js');
const { createAdminServer, listen } = await import('../src/admin/server.js');

const dropTemplate = await buildTemplate();
const world = await startFulfillmentWorld(1601);
const server = await createAdminServer(world.context, { queues: () => world.queues });
const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox'],
});
try {
  const orders = [];
  for (let i = 0; i < 4; i++) orders.push(await world.createOrder({ items: [{ quantity: 1 + (i % 2) }] }));
  await world.control('POST', `/orders/${orders[3]!.orderId}/buyer-cancel-request`, {
    reason: 'Ordered by mistake',
  });
  await world.downloadOrders();
  await world.shipWholeOrder(orders[0]!);
  await world.run('fulfillment-upload');
  await cancel(world, { amazonOrderId: orders[1]!.orderId, reason: 'NoInventory' });
  await world.control('POST', '/faults', { kind: 'cancel-refused', count: 1 });
  await world.run('cancellation-upload');
  await world.finishFeeds();

  const base = `http://127.0.0.1:${(await listen(server, '127.0.0.1', 0)).port}`;
  const page = await browser.newPage({ viewport: { width: 1300, height: 900 } });
  await page.goto(`${base}/console/login`);
  await page.fill('input[name=token]', TEST_ADMIN_TOKEN);
  await page.click('button');
  const shots: [string, string][] = [
    ['console-companies', '/console'],
    ['console-attention', '/console/attention'],
    ['console-orders', '/console/orders'],
    ['console-order', `/console/companies/${world.company.id}/orders/${orders[2]!.orderId}`],
    ['console-feeds', '/console/feeds'],
    ['console-queues', '/console/queues'],
    ['console-runs', '/console/runs'],
    ['console-health', '/console/health'],
  ];
  for (const [name, path] of shots) {
    await page.goto(`${base}${path}`);
    await page.screenshot({ path: `${values.out}/${name}.png`, fullPage: true });
    console.log(`${values.out}/${name}.png`);
  }
} finally {
  await browser.close();
  await server.close();
  await world.close();
  await dropTemplate();
}
