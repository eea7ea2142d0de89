import { formatMoney } from '../shared/money.js';
import { UsageError } from '../shared/errors.js';
import {
  CHARGED_COMPONENTS,
  isChargedComponent,
  RESTOCKING_FEE,
  TAX_COMPONENTS,
  type AdjustmentComponent,
  type ChargedComponent,
} from './adjustment-codes.js';

/**
 * What is left to refund of an order, per line and component, and the rules a refund must keep. Pure:
 * the service loads the order and the refunds that count (accepted and in flight) under the order's row
 * lock, and writes what these functions allowed. Amounts are minor units (src/shared/money.ts).
 */

export interface ChargedLine {
  orderItemId: string;
  quantityOrdered: number;
  quantityShipped: number;
  /** What the buyer was charged per component for the shipped units. */
  charged: Record<ChargedComponent, bigint>;
}

/**
 * One component of an earlier refund that counts: ours accepted, or requested / in a feed (in flight),
 * or one the settlements show that is not ours (by Amazon, or outside sellersync): always accepted.
 */
export interface CountedRefund {
  orderItemId: string;
  component: AdjustmentComponent;
  amount: bigint;
  inFlight: boolean;
  byAmazon: boolean;
}

export interface ComponentBalance {
  component: AdjustmentComponent;
  charged: bigint;
  /** Accepted: ours and Amazon's. */
  refunded: bigint;
  /** The part of `refunded` Amazon gave (or given outside sellersync), as the settlements show it. */
  refundedByAmazon: bigint;
  inFlight: bigint;
  /** charged − refunded − in flight; 0 for components never charged (bounded by the order instead). */
  left: bigint;
}

export interface LineBalance {
  orderItemId: string;
  quantityShipped: number;
  components: ComponentBalance[];
}

export interface OrderBalance {
  lines: LineBalance[];
  charged: bigint;
  /** Money given back (positive components), accepted and in flight. */
  refunded: bigint;
  /** The part of `refunded` the settlements show Amazon gave (or given outside sellersync). */
  refundedByAmazon: bigint;
  inFlight: bigint;
  /** Restocking fees charged to the buyer (as a positive amount), accepted and in flight. */
  restockingFees: bigint;
  /** The order's own principal: a restocking fee may not exceed it. */
  principal: bigint;
  left: bigint;
}

export interface RequestedLine {
  orderItemId: string;
  component: AdjustmentComponent;
  amount: bigint;
}

function sum(values: bigint[]): bigint {
  return values.reduce((total, value) => total + value, 0n);
}

function componentBalance(line: ChargedLine, component: AdjustmentComponent, counted: CountedRefund[]) {
  const mine = counted.filter((c) => c.orderItemId === line.orderItemId && c.component === component);
  const refunded = sum(mine.filter((c) => !c.inFlight).map((c) => c.amount));
  const refundedByAmazon = sum(mine.filter((c) => c.byAmazon).map((c) => c.amount));
  const inFlight = sum(mine.filter((c) => c.inFlight).map((c) => c.amount));
  const charged = isChargedComponent(component) ? line.charged[component] : 0n;
  const left = isChargedComponent(component) ? charged - refunded - inFlight : 0n;
  return { component, charged, refunded, refundedByAmazon, inFlight, left: left > 0n ? left : 0n };
}

export function orderBalance(lines: ChargedLine[], counted: CountedRefund[]): OrderBalance {
  const balances = lines.map((line) => {
    const extra = [
      ...new Set(counted.filter((c) => c.orderItemId === line.orderItemId).map((c) => c.component)),
    ];
    const components = [...CHARGED_COMPONENTS, ...extra.filter((c) => !isChargedComponent(c))]
      .map((component) => componentBalance(line, component, counted))
      .filter((b) => b.charged !== 0n || b.refunded !== 0n || b.inFlight !== 0n);
    return { orderItemId: line.orderItemId, quantityShipped: line.quantityShipped, components };
  });
  const charged = sum(lines.flatMap((line) => CHARGED_COMPONENTS.map((c) => line.charged[c])));
  const given = counted.filter((c) => c.amount > 0n);
  const refunded = sum(given.map((c) => c.amount));
  const inFlight = sum(given.filter((c) => c.inFlight).map((c) => c.amount));
  const refundedByAmazon = sum(given.filter((c) => c.byAmazon).map((c) => c.amount));
  const restockingFees = -sum(counted.filter((c) => c.amount < 0n).map((c) => c.amount));
  const principal = sum(lines.map((line) => line.charged.Principal));
  const left = charged - refunded;
  return {
    lines: balances,
    charged,
    refunded,
    refundedByAmazon,
    inFlight,
    restockingFees,
    principal,
    left: left > 0n ? left : 0n,
  };
}

/** Everything still refundable: every charged component of every line with something left. */
export function fullRefundLines(balance: OrderBalance): RequestedLine[] {
  return balance.lines.flatMap((line) =>
    line.components
      .filter((c) => isChargedComponent(c.component) && c.left > 0n)
      .map((c) => ({ orderItemId: line.orderItemId, component: c.component, amount: c.left })),
  );
}

export interface RefundRules {
  currency: string;
  /** Prices include tax (Amazon.co.jp): Tax components are refused, tax is part of Principal. */
  taxInclusive: boolean;
}

function refuseComponent(line: RequestedLine, rules: RefundRules): void {
  const where = `item ${line.orderItemId} ${line.component}`;
  const amount = formatMoney(line.amount, rules.currency);
  if (rules.taxInclusive && TAX_COMPONENTS.includes(line.component)) {
    throw new UsageError(
      `${where}: this marketplace prices tax-inclusive and Amazon refuses a separate ${line.component} refund; ` +
        'fold the tax into Principal (or Shipping), which already includes it',
    );
  }
  if (line.amount === 0n) throw new UsageError(`${where}: the amount is 0; leave the component out`);
  if (line.component === RESTOCKING_FEE && line.amount > 0n) {
    throw new UsageError(
      `${where}: a restocking fee charges the buyer, write it negative (RestockingFee=-${amount})`,
    );
  }
  if (line.component !== RESTOCKING_FEE && line.amount < 0n) {
    throw new UsageError(
      `${where}: ${amount} is negative; only RestockingFee charges the buyer, every other component gives money back`,
    );
  }
}

function describeBalance(b: ComponentBalance, currency: string): string {
  const f = (v: bigint) => formatMoney(v, currency);
  return `charged ${f(b.charged)}, refunded ${f(b.refunded)}, in flight ${f(b.inFlight)}, left ${f(b.left)}`;
}

/**
 * Refuses, with the reason, a refund Amazon would refuse or that would give back more than was charged:
 * per component of each line, per order (counting refunds in flight), and the restocking-fee bounds.
 */
export function checkRefund(balance: OrderBalance, requested: RequestedLine[], rules: RefundRules): void {
  const f = (v: bigint) => formatMoney(v, rules.currency);
  if (requested.length === 0) throw new UsageError('nothing to refund: give --full or at least one --item');
  const seen = new Set<string>();
  for (const line of requested) {
    const key = `${line.orderItemId}/${line.component}`;
    if (seen.has(key)) throw new UsageError(`item ${line.orderItemId} ${line.component} is given twice`);
    seen.add(key);
    refuseComponent(line, rules);
    const itemBalance = balance.lines.find((l) => l.orderItemId === line.orderItemId);
    if (!itemBalance) throw new UsageError(`the order has no shipped item ${line.orderItemId}`);
    if (!isChargedComponent(line.component)) continue;
    const component = itemBalance.components.find((c) => c.component === line.component);
    const left = component?.left ?? 0n;
    if (line.amount > left) {
      const detail = component ? describeBalance(component, rules.currency) : 'nothing was charged';
      throw new UsageError(
        `item ${line.orderItemId} ${line.component}: cannot refund ${f(line.amount)}, only ${f(left)} left (${detail})`,
      );
    }
  }
  const given = sum(requested.filter((l) => l.amount > 0n).map((l) => l.amount));
  const fee = -sum(requested.filter((l) => l.amount < 0n).map((l) => l.amount));
  if (given > balance.left) {
    throw new UsageError(
      `cannot refund ${f(given)} of the order: only ${f(balance.left)} left ` +
        `(charged ${f(balance.charged)}, refunded or in flight ${f(balance.refunded)})`,
    );
  }
  if (fee > 0n && balance.restockingFees + fee > balance.principal) {
    throw new UsageError(
      `a restocking fee of ${f(balance.restockingFees + fee)} in all would be above the order's principal of ${f(balance.principal)}`,
    );
  }
  if (fee >= given) {
    throw new UsageError(
      `the restocking fee ${f(fee)} is not below what this refund gives back (${f(given)}): it would charge the buyer`,
    );
  }
}
