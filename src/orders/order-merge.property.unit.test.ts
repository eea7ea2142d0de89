import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { paymentStatusOf } from './order-draft.js';
import { decideHold, mergeOrder } from './order-merge.js';
import {
  sameState,
  type ItemState,
  type MergeSource,
  type OrderCopy,
  type OrderState,
} from './order-state.js';
import { isOnHold, STATUS_TRANSITIONS, statusMoveAllowed } from './order-transitions.js';
import { ORDER_STATUSES, type OrderStatus } from './orders.table.js';

/**
 * Copies of one order as Amazon could send them: a walk over the statuses Amazon moves through, each
 * version a complete copy (search page, getOrder) and possibly a report line of the same version.
 */

const POLICY = { retentionDays: 30 };
const T0 = Date.parse('2026-10-01T08:00:00Z');
const SHIPPED = new Set<OrderStatus>(['Shipped', 'InvoiceUnconfirmed', 'PartiallyShipped']);
const TO_SHIP = new Set<OrderStatus>(['Unshipped', 'PartiallyShipped']);

interface Arrival {
  copy: OrderCopy;
  source: MergeSource;
}

interface OrderFixture {
  customized: boolean;
  buyer: boolean;
  requestFrom: number | null;
  statuses: OrderStatus[];
  gaps: number[];
  reportLines: boolean[];
  notesDownloaded: boolean[];
}

const walk = fc
  .tuple(
    fc.constantFrom<OrderStatus>('PendingAvailability', 'Pending', 'Unshipped'),
    fc.array(fc.nat(), { maxLength: 6 }),
  )
  .map(([first, picks]) => {
    const statuses = [first];
    for (const pick of picks) {
      const from = statuses[statuses.length - 1] as OrderStatus;
      if (from === 'Canceled') break;
      const moves = [from, ...STATUS_TRANSITIONS[from]];
      statuses.push(moves[pick % moves.length] as OrderStatus);
    }
    return statuses;
  });

const fixture: fc.Arbitrary<OrderFixture> = walk.chain((statuses) =>
  fc.record({
    customized: fc.boolean(),
    buyer: fc.boolean(),
    requestFrom: fc.option(fc.nat({ max: statuses.length - 1 }), { nil: null }),
    statuses: fc.constant(statuses),
    gaps: fc.array(fc.integer({ min: 1, max: 7_200 }), {
      minLength: statuses.length,
      maxLength: statuses.length,
    }),
    reportLines: fc.array(fc.boolean(), { minLength: statuses.length, maxLength: statuses.length }),
    notesDownloaded: fc.array(fc.boolean(), { minLength: statuses.length, maxLength: statuses.length }),
  }),
);

const PACKAGE = {
  packageReferenceId: 'PKG-1',
  carrier: 'UPS',
  trackingNumber: '1Z999',
  shippingService: null,
  shipTime: null,
  status: 'SHIPPED',
  items: [{ orderItemId: '40000000000001', quantity: 2 }],
};

function timeOf(order: OrderFixture, version: number): Date {
  return new Date(T0 + order.gaps.slice(0, version + 1).reduce((sum, gap) => sum + gap * 1000, 0));
}

function itemsOf(order: OrderFixture, version: number, status: OrderStatus, report: boolean): ItemState[] {
  const requested = order.requestFrom !== null && version >= order.requestFrom && status !== 'Canceled';
  const shipped =
    status === 'Shipped' || status === 'InvoiceUnconfirmed' ? 2 : status === 'PartiallyShipped' ? 1 : 0;
  const custom = !report && order.customized && order.notesDownloaded[version];
  return [
    {
      orderItemId: report ? 'report:0:MUG-1' : '40000000000001',
      sku: 'MUG-1',
      asin: 'B000000001',
      title: 'Mug',
      quantityOrdered: 2,
      quantityShipped: shipped,
      quantityCancelled: status === 'Canceled' ? 2 - shipped : 0,
      currency: 'USD',
      unitPrice: report ? null : '10.00',
      itemPrice: '20.00',
      itemTax: '1.60',
      shippingPrice: null,
      shippingTax: null,
      giftWrapPrice: report ? null : '3.99',
      giftWrapTax: report ? null : '0.32',
      promotionDiscount: null,
      shipPromotionDiscount: null,
      promotionIds: [],
      cancelRequested: requested,
      customizedUrlEnc: !report && order.customized ? { plain: 'https://amazon.com/custom/1' } : null,
      customizationRawEnc: custom ? { plain: '{"surfaces":[]}' } : null,
      customizationSummary: custom ? 'Engraving: "Anna"' : null,
      priceDesignation: report ? null : 'BUSINESS_PRICE',
      giftWrapLevel: report ? null : 'PREMIUM',
      // The buyer writes the message once: every complete copy carries the same.
      giftMessageEnc: report ? null : { plain: 'Happy birthday, Anna!' },
    },
  ];
}

function copyOf(order: OrderFixture, version: number, report: boolean): Arrival {
  const status = order.statuses[version] as OrderStatus;
  const at = timeOf(order, version);
  const firstShipped = order.statuses.findIndex((s) => SHIPPED.has(s));
  const shippedAt =
    firstShipped >= 0 && firstShipped <= version && !report ? timeOf(order, firstShipped) : null;
  const latestDelivery = new Date(T0 + 5 * 86_400_000);
  const requested = order.requestFrom !== null && version >= order.requestFrom && status !== 'Canceled';
  const delivered =
    status === 'Shipped' || status === 'InvoiceUnconfirmed'
      ? latestDelivery
      : status === 'Canceled'
        ? at
        : null;
  const copy: OrderCopy = {
    amazonOrderId: '111-0000000-0000001',
    marketplaceId: report ? null : 'ATVPDKIKX0DER',
    // The report's merchant-order-id is often empty; the version shows which copy an alias came from.
    sellerOrderId: report ? null : `SELLER-${version}`,
    programs: report ? [] : [`PROGRAM_${version}`],
    packages: report ? [] : [{ ...PACKAGE, shipTime: at.toISOString() }],
    unknownValues: report ? [] : [{ field: 'programs[]', value: `PROGRAM_${version}` }],
    salesChannel: 'Amazon.com',
    isCheckoutByAmazon: false,
    purchaseDate: new Date(T0),
    lastUpdatedAt: at,
    status,
    fulfillmentChannel: 'MFN',
    serviceLevel: 'Standard',
    earliestShipDate: report ? null : new Date(T0 + 86_400_000),
    latestShipDate: report ? null : new Date(T0 + 2 * 86_400_000),
    earliestDeliveryDate: report ? null : new Date(T0 + 3 * 86_400_000),
    latestDeliveryDate: report ? null : latestDelivery,
    orderTotal: '21.60',
    currency: 'USD',
    paymentStatus: paymentStatusOf(status),
    subtypes: report ? [] : ['Prime'],
    replacedOrderId: null,
    shippedAt,
    deliveredAt: report ? null : delivered,
    note: !report && order.customized && order.notesDownloaded[version] ? 'Engraving: "Anna"' : null,
    cancelRequest: requested ? { reason: report ? null : 'ordered by mistake' } : null,
    cancellation:
      status === 'Canceled'
        ? report
          ? { cancelledBy: null, reason: null }
          : { cancelledBy: 'BUYER', reason: 'ordered by mistake' }
        : null,
    buyerEnc: !report && order.buyer && TO_SHIP.has(status) ? 'sealed-buyer' : null,
    recipientEnc: !report && order.buyer && TO_SHIP.has(status) ? 'sealed-recipient' : null,
    items: itemsOf(order, version, status, report),
  };
  const source: MergeSource = report
    ? { kind: 'report', label: 'report:1' }
    : { kind: 'search', label: `searchOrders:#${version}` };
  return { copy, source };
}

function arrivalsOf(order: OrderFixture): Arrival[] {
  return order.statuses.flatMap((_, version) => [
    copyOf(order, version, false),
    ...(order.reportLines[version] ? [copyOf(order, version, true)] : []),
  ]);
}

function fold(arrivals: Arrival[], start?: OrderState): OrderState | undefined {
  let state = start;
  for (const { copy, source } of arrivals) state = mergeOrder(state, copy, source, POLICY).next;
  return state;
}

const history = fixture.chain((order) => {
  const arrivals = arrivalsOf(order);
  return fc.record({
    order: fc.constant(order),
    arrivals: fc.constant(arrivals),
    shuffled: fc.shuffledSubarray(arrivals, { minLength: arrivals.length, maxLength: arrivals.length }),
  });
});

describe('mergeOrder', () => {
  it('never lets an older copy overwrite a newer one', () => {
    fc.assert(
      fc.property(history, fc.nat(), fc.nat(), ({ arrivals }, i, j) => {
        const [a, b] = [arrivals[i % arrivals.length], arrivals[j % arrivals.length]] as [Arrival, Arrival];
        const [older, newer] = a.copy.lastUpdatedAt < b.copy.lastUpdatedAt ? [a, b] : [b, a];
        if (older.copy.lastUpdatedAt.getTime() === newer.copy.lastUpdatedAt.getTime()) return;
        const stored = fold([newer]) as OrderState;
        const { next } = mergeOrder(stored, older.copy, older.source, POLICY);
        expect(next.lastUpdatedAt).toEqual(newer.copy.lastUpdatedAt);
        expect(next.status).toBe(newer.copy.status);
        expect(next.orderTotal).toBe(newer.copy.orderTotal);
      }),
    );
  });

  it('changes nothing when the same copy is merged twice', () => {
    fc.assert(
      fc.property(history, fc.nat(), ({ shuffled }, cut) => {
        const prefix = shuffled.slice(0, (cut % shuffled.length) + 1);
        const state = fold(prefix) as OrderState;
        const last = prefix[prefix.length - 1] as Arrival;
        const again = mergeOrder(state, last.copy, last.source, POLICY);
        expect(again.changed).toBe(false);
        expect(again.events).toEqual([]);
        expect(sameState(again.next, state)).toBe(true);
      }),
    );
  });

  it('reaches the same state whatever order the copies arrive in', () => {
    fc.assert(
      fc.property(history, ({ arrivals, shuffled }) => {
        const inOrder = fold(arrivals) as OrderState;
        const anyOrder = fold(shuffled) as OrderState;
        expect(anyOrder).toEqual(inOrder);
      }),
    );
  });

  it('lifts a buyer-cancellation hold only by a decision: the seller’s, or Amazon cancelling the order', () => {
    fc.assert(
      fc.property(
        history,
        fc.constantFrom('accepted' as const, 'declined' as const, 'expired' as const),
        fc.nat(),
        ({ shuffled }, decision, cut) => {
          let state: OrderState | undefined;
          let decided = false;
          const decideAt = cut % (shuffled.length + 1);
          shuffled.forEach(({ copy, source }, index) => {
            if (index === decideAt && state?.hold.state === 'requested') {
              state = decideHold(state, decision, new Date(T0)).next;
              decided = true;
              expect(state.hold.state).toBe(decision);
            }
            const before = state?.hold.state ?? 'none';
            state = mergeOrder(state, copy, source, POLICY).next;
            const after = state.hold.state;
            if (before === 'requested' && after !== 'requested') {
              expect(state.status).toBe('Canceled');
              expect(after).toBe('accepted');
            }
            if (before !== 'none' && before !== 'requested') expect(after).toBe(before);
          });
          const final = state as OrderState;
          const requestSeen = shuffled.some((a) => a.copy.cancelRequest !== null);
          if (!requestSeen) expect(final.hold.state).toBe('none');
          if (requestSeen && !decided && final.status !== 'Canceled') {
            expect(final.hold.state).toBe('requested');
            expect(isOnHold(final.hold.state)).toBe(true);
          }
          if (decided && decision !== 'accepted') expect(isOnHold(final.hold.state)).toBe(false);
        },
      ),
    );
  });

  it('sets aside a newer copy whose status move Amazon never makes, changing nothing', () => {
    const moves = fc
      .tuple(fc.constantFrom(...ORDER_STATUSES), fc.constantFrom(...ORDER_STATUSES))
      .filter(([from, to]) => !statusMoveAllowed(from, to));
    fc.assert(
      fc.property(history, moves, ({ arrivals }, [from, to]) => {
        const base = arrivals[0] as Arrival;
        const stored = fold([{ ...base, copy: { ...base.copy, status: from } }]) as OrderState;
        const later = new Date(stored.lastUpdatedAt.getTime() + 60_000);
        const result = mergeOrder(
          stored,
          { ...base.copy, status: to, lastUpdatedAt: later },
          base.source,
          POLICY,
        );
        expect(result.next).toBe(stored);
        expect(result.changed).toBe(false);
        expect(result.problems).toEqual([
          expect.objectContaining({
            amazonOrderId: stored.amazonOrderId,
            field: 'status',
            source: base.source.label,
          }),
        ]);
      }),
    );
  });

  it('gives every delivered or cancelled order an erase-after time, whatever source its copies came from', () => {
    fc.assert(
      fc.property(history, fc.boolean(), ({ order, arrivals }, reportOnly) => {
        const chosen = reportOnly ? arrivals.filter((a) => a.source.kind === 'report') : arrivals;
        if (chosen.length === 0) return;
        const state = fold(chosen) as OrderState;
        const done = ['Shipped', 'InvoiceUnconfirmed', 'Canceled'].includes(state.status);
        expect(state.eraseAfter !== null).toBe(done);
        if (state.eraseAfter) {
          const latest = timeOf(order, order.statuses.length - 1).getTime() + 5 * 86_400_000;
          expect(state.eraseAfter.getTime()).toBeLessThanOrEqual(latest + 30 * 86_400_000);
        }
      }),
    );
  });
});
