import { CATALOG, CUSTOMIZABLE_SKU } from './catalog.js';
import { HOUR, MINUTE } from './clock.js';
import { lifecycleEvents } from './lifecycle.js';
import { buildOrder } from './order-builder.js';
import type { OrderMix, OrderSpec, SimulationState } from './types.js';

export const DEFAULT_MIX: OrderMix = {
  fba: 0.2,
  prime: 0.3,
  business: 0.1,
  premium: 0.05,
  secondDay: 0.1,
  replacement: 0.03,
  customization: 0.08,
  nonAmazon: 0.05,
  buyerCancelRequest: 0.06,
  amazonCancel: 0.03,
  amazonRefund: 0.05,
  multiItem: 0.3,
};

/** Draws the traits of one order from the mix. */
export function randomSpec(sim: SimulationState): OrderSpec {
  const { random } = sim;
  const mix = sim.settings.mix;
  const fba = random.chance(mix.fba);
  const programs: string[] = [];
  if (random.chance(mix.prime)) programs.push('PRIME');
  if (random.chance(mix.business)) programs.push('AMAZON_BUSINESS');
  if (random.chance(mix.premium)) programs.push('PREMIUM');
  const serviceLevel = programs.includes('PREMIUM')
    ? 'NEXT_DAY'
    : random.chance(mix.secondDay)
      ? 'SECOND_DAY'
      : random.pick(['STANDARD', 'STANDARD', 'EXPEDITED', 'FREE_ECONOMY'] as const);
  const customized = !fba && random.chance(mix.customization);
  const itemCount = random.chance(mix.multiItem) ? random.int(2, 3) : 1;
  const items = Array.from({ length: itemCount }, (_, index) => ({
    sku: index === 0 && customized ? CUSTOMIZABLE_SKU : random.pick(CATALOG).sku,
    quantity: random.chance(0.2) ? random.int(2, 4) : 1,
    customized: index === 0 && customized,
  }));
  const spec: OrderSpec = { fulfilledBy: fba ? 'AMAZON' : 'MERCHANT', serviceLevel, programs, items };
  if (!fba && random.chance(mix.nonAmazon)) spec.channel = 'NON_AMAZON';
  const earlier = [...sim.store.orders.values()].find((order) => order.status === 'SHIPPED');
  if (earlier && random.chance(mix.replacement)) spec.replacementOf = earlier.orderId;
  if (random.chance(mix.amazonCancel)) spec.amazonCancelAfterMinutes = random.int(5, 25);
  else if (!fba && random.chance(mix.buyerCancelRequest))
    spec.buyerCancelRequestAfterMinutes = random.int(35, 120);
  if (random.chance(mix.amazonRefund)) spec.amazonRefundAfterMinutes = random.int(3 * 24 * 60, 6 * 24 * 60);
  return spec;
}

/** Creates an order now and schedules what will happen to it (Pending → Unshipped, Amazon's own actions). */
export function createOrder(sim: SimulationState, spec: OrderSpec, at: Date): string {
  const order = buildOrder(sim, spec, at);
  sim.store.orders.set(order.orderId, order);
  for (const event of lifecycleEvents(sim, order, spec)) sim.events.schedule(event.at, event.run);
  return order.orderId;
}

/** New orders arrive as a Poisson process at `ordersPerHour` (read at each arrival, so it can change). */
export function startOrderGenerator(sim: SimulationState, from: Date): void {
  const rate = sim.settings.ordersPerHour;
  const gap = rate > 0 ? sim.random.exponential(HOUR / rate) : 5 * MINUTE;
  sim.events.schedule(new Date(from.getTime() + Math.max(1_000, Math.round(gap))), (at) => {
    if (sim.settings.ordersPerHour > 0) {
      for (const seller of sim.store.sellers.values())
        createOrder(sim, { ...randomSpec(sim), sellerId: seller.sellerId }, at);
    }
    startOrderGenerator(sim, at);
  });
}
