import { CANCEL_REASONS } from './catalog.js';
import { MINUTE } from './clock.js';
import {
  adjustOrder,
  cancelOrder,
  OrderRefusal,
  refundableComponents,
  requestBuyerCancel,
  shipOrder,
  touch,
} from './order-actions.js';
import type { SimOrder } from './model.js';
import type { OrderSpec, SimulationState } from './types.js';

interface LifecycleEvent {
  at: Date;
  run: (at: Date) => void;
}

/** Runs an Amazon-side action unless the order has moved on (e.g. already shipped or cancelled). */
function unlessRefused(action: () => void): void {
  try {
    action();
  } catch (err) {
    if (!(err instanceof OrderRefusal)) throw err;
  }
}

function after(order: SimOrder, minutes: number): Date {
  return new Date(order.createdTime.getTime() + minutes * MINUTE);
}

/** What Amazon and the buyer will do to a new order, at simulator times. */
export function lifecycleEvents(sim: SimulationState, order: SimOrder, spec: OrderSpec): LifecycleEvent[] {
  const pendingMinutes = spec.pendingMinutes ?? sim.settings.pendingMinutes;
  const events: LifecycleEvent[] = [
    {
      at: after(order, pendingMinutes),
      run: (at) => {
        if (order.status !== 'PENDING') return;
        order.status = 'UNSHIPPED';
        touch(order, at);
      },
    },
  ];
  if (order.fulfilledBy === 'AMAZON') {
    // Amazon's warehouse takes a few hours; more items, a little longer.
    const shipAt = after(
      order,
      pendingMinutes + sim.settings.fbaShipMinutes * (1 + (order.items.length % 3) / 2),
    );
    events.push({
      at: shipAt,
      run: (at) =>
        unlessRefused(() => shipOrder(sim.store, order, { carrier: 'AMZN_US', shipTime: at }, at, 'AMAZON')),
    });
  }
  if (spec.amazonCancelAfterMinutes !== undefined) {
    const reason =
      CANCEL_REASONS.amazon[order.orderId.length % CANCEL_REASONS.amazon.length] ?? 'Cancelled by Amazon';
    events.push({
      at: after(order, spec.amazonCancelAfterMinutes),
      run: (at) => unlessRefused(() => cancelOrder(order, 'AMAZON', reason, at)),
    });
  }
  if (spec.buyerCancelRequestAfterMinutes !== undefined) {
    const reason = CANCEL_REASONS.buyer[order.items.length % CANCEL_REASONS.buyer.length] ?? 'Changed mind';
    events.push({
      at: after(order, spec.buyerCancelRequestAfterMinutes),
      run: (at) => unlessRefused(() => requestBuyerCancel(order, reason, at)),
    });
  }
  if (spec.amazonRefundAfterMinutes !== undefined) {
    events.push({
      at: after(order, spec.amazonRefundAfterMinutes),
      run: (at) => amazonRefund(sim, order, at),
    });
  }
  return events;
}

/** An Amazon-issued refund (A-to-z claim, customer service): the first shipped item, all that is left of it. */
export function amazonRefund(sim: SimulationState, order: SimOrder, at: Date): void {
  const candidates = order.items.map((item) => ({
    item,
    components: Object.entries(refundableComponents(order, item))
      .filter(([, cents]) => cents > 0)
      .map(([type, cents]) => ({ type, cents })),
  }));
  const found = candidates.find((c) => c.item.shipped > 0 && c.components.length > 0);
  if (!found) return;
  unlessRefused(() =>
    adjustOrder(
      sim.store,
      order,
      [{ orderItemId: found.item.orderItemId, components: found.components }],
      at,
      'AMAZON',
    ),
  );
}
