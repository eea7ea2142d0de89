/**
 * The marketplace simulator under load, in this process (no database): how fast it pages orders out,
 * and how long a large fulfillment feed takes to validate against the XSDs and apply.
 * Prints one JSON line last:
 *   {"orders","search_pages","search_ms_per_page","feed_messages","feed_kb","validate_s","apply_s","settlement_lines","settlement_write_ms","peak_rss_mb"}
 * Usage: npm run bench:simulator [-- --orders 10000]
 */
import { parseArgs } from 'node:util';
import { validateOrderFeed } from '../src/amazon/feed-schema.js';
import { applyOrderFeed, parseOrderFeed } from '../src/simulator/feed-processor.js';
import { createOrder } from '../src/simulator/generator.js';
import { startSimulator } from '../src/simulator/server.js';
import { closeSettlementPeriods } from '../src/simulator/settlement.js';
import { DEFAULT_SELLER } from '../src/simulator/simulation.js';

const { values } = parseArgs({ options: { orders: { type: 'string', default: '10000' } } });
const orderCount = Number(values.orders);
let peakRss = 0;
const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 50);

const server = await startSimulator({ seed: 1, startTime: new Date(Date.now() - 3 * 3_600_000) });
const { sim } = server;
sim.limiter.override('searchOrders', { rate: 1_000, burst: 1_000 });
const start = sim.now();
for (let i = 0; i < orderCount; i++)
  createOrder(sim, { items: [{ quantity: 1, customized: false }] }, new Date(start.getTime() + i));
sim.advance(31 * 60_000);

const token = await fetch(`${server.url}/auth/o2/token`, {
  method: 'POST',
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify({
    grant_type: 'refresh_token',
    refresh_token: DEFAULT_SELLER.refreshToken,
    client_id: DEFAULT_SELLER.clientId,
    client_secret: DEFAULT_SELLER.clientSecret,
  }),
}).then(async (response) => ((await response.json()) as { access_token: string }).access_token);

const base = `${server.url}/orders/2026-01-01/orders?marketplaceIds=ATVPDKIKX0DER&createdAfter=${new Date(start.getTime() - 60_000).toISOString()}&includedData=FULFILLMENT,PROCEEDS`;
let pages = 0;
let nextToken: string | undefined;
const searchStarted = performance.now();
do {
  const url = nextToken ? `${base}&paginationToken=${encodeURIComponent(nextToken)}` : base;
  const page = (await (await fetch(url, { headers: { 'x-amz-access-token': token } })).json()) as {
    pagination?: { nextToken: string };
  };
  nextToken = page.pagination?.nextToken;
  pages++;
} while (nextToken);
const searchMs = performance.now() - searchStarted;

const messages = [...sim.store.orders.values()].map(
  (order, index) =>
    `<Message><MessageID>${index + 1}</MessageID><OrderFulfillment><AmazonOrderID>${order.orderId}</AmazonOrderID><FulfillmentDate>${new Date().toISOString()}</FulfillmentDate>` +
    `<FulfillmentData><CarrierCode>UPS</CarrierCode><ShipperTrackingNumber>1Z999AA1${String(index).padStart(10, '0')}</ShipperTrackingNumber></FulfillmentData></OrderFulfillment></Message>`,
);
const xml = `<?xml version="1.0" encoding="UTF-8"?><AmazonEnvelope><Header><DocumentVersion>1.01</DocumentVersion><MerchantIdentifier>${DEFAULT_SELLER.sellerId}</MerchantIdentifier></Header><MessageType>OrderFulfillment</MessageType>${messages.join('')}</AmazonEnvelope>`;
const validateStarted = performance.now();
const validation = await validateOrderFeed(xml);
const validateS = (performance.now() - validateStarted) / 1000;
if (!validation.valid) throw new Error(`feed invalid: ${validation.errors.slice(0, 3).join('; ')}`);
const applyStarted = performance.now();
const results = applyOrderFeed(sim, DEFAULT_SELLER.sellerId, parseOrderFeed(xml), sim.now());
const applyS = (performance.now() - applyStarted) / 1000;
if (results.length > 0) throw new Error(`${results.length} messages refused`);
const lines = sim.store.openPeriods.get(DEFAULT_SELLER.sellerId)?.lines.length ?? 0;
const writeStarted = performance.now();
closeSettlementPeriods(sim, sim.now());
const writeMs = performance.now() - writeStarted;

clearInterval(sampler);
await server.close();
console.log(
  JSON.stringify({
    orders: orderCount,
    search_pages: pages,
    search_ms_per_page: Number((searchMs / pages).toFixed(1)),
    feed_messages: messages.length,
    feed_kb: Math.round(Buffer.byteLength(xml) / 1024),
    validate_s: Number(validateS.toFixed(2)),
    apply_s: Number(applyS.toFixed(2)),
    settlement_lines: lines,
    settlement_write_ms: Math.round(writeMs),
    peak_rss_mb: Math.round(peakRss / 1024 / 1024),
  }),
);
