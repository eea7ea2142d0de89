import { ADDRESSES, BUYER_NAMES, CATALOG, COMPANIES } from './catalog.js';
import { DAY, HOUR, MINUTE } from './clock.js';
import { parseCents, type SimItem, type SimOrder } from './model.js';
import type { OrderSpec, SimulationState } from './types.js';

const TAX_RATE = 0.08;
const STANDARD_SHIPPING_CENTS = 499;

function buildItems(
  sim: SimulationState,
  spec: OrderSpec,
  replacement: boolean,
  freeShipping: boolean,
): SimItem[] {
  const wanted = spec.items ?? [{ quantity: 1, customized: false }];
  return wanted.map((entry, index) => {
    const product = CATALOG.find((candidate) => candidate.sku === entry.sku) ?? sim.random.pick(CATALOG);
    const sku = entry.sku ?? product.sku;
    const unitPriceCents = replacement
      ? 0
      : ((entry.unitPrice !== undefined ? parseCents(entry.unitPrice) : undefined) ?? product.priceCents);
    const principal = unitPriceCents * entry.quantity;
    const giftWrapCents = entry.giftWrapPrice === undefined ? 0 : (parseCents(entry.giftWrapPrice) ?? 0);
    return {
      orderItemId: sim.store.newOrderItemId(sim.random),
      sku,
      asin: product.asin,
      title: product.title,
      quantity: entry.quantity,
      unitPriceCents,
      taxCents: Math.round(principal * TAX_RATE),
      shippingCents: replacement || freeShipping || index > 0 ? 0 : STANDARD_SHIPPING_CENTS,
      ...(entry.giftWrapPrice !== undefined && {
        giftWrap: {
          level: 'STANDARD',
          priceCents: giftWrapCents,
          taxCents: Math.round(giftWrapCents * TAX_RATE),
        },
      }),
      shipped: 0,
      cancelled: 0,
      refundedCents: 0,
      customized: entry.customized,
    };
  });
}

function shipByHours(serviceLevel: SimOrder['serviceLevel']): number {
  return ['NEXT_DAY', 'SAME_DAY', 'PRIORITY'].includes(serviceLevel) ? 12 : 48;
}

/** A new Pending order from the spec (unspecified details drawn with the seeded generator). */
export function buildOrder(sim: SimulationState, spec: OrderSpec, at: Date): SimOrder {
  const sellerId = spec.sellerId ?? [...sim.store.sellers.keys()][0];
  const seller = sellerId === undefined ? undefined : sim.store.sellers.get(sellerId);
  if (!seller) throw new Error(`unknown seller ${String(sellerId)}`);
  const { random } = sim;
  const programs = spec.programs ?? [];
  const business = programs.includes('AMAZON_BUSINESS');
  const serviceLevel = spec.serviceLevel ?? 'STANDARD';
  const replacement = spec.replacementOf !== undefined;
  const name = random.pick(BUYER_NAMES);
  const address = random.pick(ADDRESSES);
  const company = business ? random.pick(COMPANIES) : undefined;
  const latestShip = new Date(at.getTime() + shipByHours(serviceLevel) * HOUR);
  const order: SimOrder = {
    orderId: sim.store.newOrderId(random),
    sellerId: seller.sellerId,
    marketplaceId: seller.marketplaceId,
    currency: seller.currency,
    createdTime: at,
    lastUpdatedTime: at,
    status: 'PENDING',
    fulfilledBy: spec.fulfilledBy ?? 'MERCHANT',
    serviceLevel,
    programs,
    channel: spec.channel ?? 'AMAZON',
    buyer: {
      name,
      email: `${random.digits(6)}${name.split(' ')[0]?.toLowerCase() ?? 'buyer'}@marketplace.amazon.com`,
      ...(company !== undefined
        ? { companyName: company, purchaseOrderNumber: `PO-${random.digits(6)}` }
        : {}),
    },
    address: {
      name,
      ...address,
      phone: `+1 206-555-${random.digits(4)}`,
      addressType: company !== undefined ? 'COMMERCIAL' : 'RESIDENTIAL',
      ...(company !== undefined ? { companyName: company } : {}),
    },
    items: buildItems(sim, spec, replacement, programs.includes('PRIME')),
    packages: [],
    shipBy: { earliest: new Date(at.getTime() + 30 * MINUTE), latest: latestShip },
    deliverBy: {
      earliest: new Date(latestShip.getTime() + DAY),
      latest: new Date(latestShip.getTime() + 5 * DAY),
    },
  };
  if (spec.replacementOf !== undefined) order.replacementOf = spec.replacementOf;
  if (spec.sellerOrderId !== undefined) order.sellerOrderId = spec.sellerOrderId;
  return order;
}
