import { isoSeconds } from '../clock.js';
import { json, notFound, route, type Route, type SimRequest } from '../http.js';
import { formatCents, type MoneyLine } from '../model.js';
import type { Simulation } from '../simulation.js';

/** Finances API v0 listFinancialEventsByOrderId, from the same money lines the settlements carry. */

const CHARGE_TYPES: Record<string, string> = {
  Principal: 'Principal',
  Tax: 'Tax',
  Shipping: 'ShippingCharge',
};

function currency(cents: number, code: string) {
  // The Finances API writes amounts as JSON numbers (BigDecimal); formatting via the decimal string keeps them exact.
  return { CurrencyCode: code, CurrencyAmount: Number(formatCents(cents)) };
}

function itemOf(lines: MoneyLine[], code: string, refund: boolean): Record<string, unknown> {
  const first = lines[0];
  const charges = lines
    .filter((line) => line.amountType === 'ItemPrice')
    .map((line) => ({
      ChargeType: CHARGE_TYPES[line.amountDescription] ?? line.amountDescription,
      ChargeAmount: currency(line.amountCents, code),
    }));
  const fees = lines
    .filter((line) => line.amountType === 'ItemFees')
    .map((line) => ({ FeeType: line.amountDescription, FeeAmount: currency(line.amountCents, code) }));
  return {
    SellerSKU: first?.sku ?? '',
    OrderItemId: first?.orderItemCode ?? '',
    ...(refund
      ? {
          OrderAdjustmentItemId: `${first?.adjustmentId.slice(-8) ?? ''}${first?.orderItemCode.slice(-6) ?? ''}`,
        }
      : {}),
    QuantityShipped: first?.quantity ?? (refund ? 0 : 1),
    [refund ? 'ItemChargeAdjustmentList' : 'ItemChargeList']: charges,
    [refund ? 'ItemFeeAdjustmentList' : 'ItemFeeList']: fees,
  };
}

function eventOf(lines: MoneyLine[], code: string, marketplaceName: string): Record<string, unknown> {
  const refund = lines[0]?.transactionType === 'Refund';
  const byItem = new Map<string, MoneyLine[]>();
  for (const line of lines) byItem.set(line.orderItemCode, [...(byItem.get(line.orderItemCode) ?? []), line]);
  return {
    AmazonOrderId: lines[0]?.orderId ?? '',
    MarketplaceName: marketplaceName,
    PostedDate: isoSeconds(lines[0]?.posted ?? new Date(0)),
    [refund ? 'ShipmentItemAdjustmentList' : 'ShipmentItemList']: [...byItem.values()].map((itemLines) =>
      itemOf(itemLines, code, refund),
    ),
  };
}

function listFinancialEventsByOrderId(sim: Simulation, request: SimRequest) {
  sim.now();
  const order = sim.store.orders.get(request.params.orderId ?? '');
  if (!order || order.sellerId !== request.sellerId)
    throw notFound(`Order ${request.params.orderId ?? ''} was not found.`);
  const groups = new Map<string, MoneyLine[]>();
  for (const line of sim.store.ledger.filter((candidate) => candidate.orderId === order.orderId)) {
    const key = `${line.transactionType}/${line.shipmentId || line.adjustmentId}`;
    groups.set(key, [...(groups.get(key) ?? []), line]);
  }
  const events = [...groups.values()].map((lines) => eventOf(lines, order.currency, 'Amazon.com'));
  const isRefund = (event: Record<string, unknown>) => 'ShipmentItemAdjustmentList' in event;
  return json(200, {
    payload: {
      FinancialEvents: {
        ShipmentEventList: events.filter((event) => !isRefund(event)),
        RefundEventList: events.filter(isRefund),
      },
    },
  });
}

export const financeRoutes: Route[] = [
  route(
    'GET',
    '/finances/v0/orders/{orderId}/financialEvents',
    'sp-api',
    'listFinancialEventsByOrderId',
    listFinancialEventsByOrderId,
  ),
];
