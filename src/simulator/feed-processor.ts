import { XMLParser } from 'fast-xml-parser';
import { adjustOrder, cancelOrder, OrderRefusal, shipOrder, type ItemAdjustment } from './order-actions.js';
import { parseCents, type SimOrder } from './model.js';
import type { MessageResult } from './processing-report.js';
import type { Simulation } from './simulation.js';

/** Applies a valid XML order feed to the simulated orders, message by message, as Amazon does. */

export const ORDER_FEED_TYPES: Record<string, string> = {
  POST_ORDER_FULFILLMENT_DATA: 'OrderFulfillment',
  POST_ORDER_ACKNOWLEDGEMENT_DATA: 'OrderAcknowledgement',
  POST_PAYMENT_ADJUSTMENT_DATA: 'OrderAdjustment',
};

const GENERIC_ERROR = 18028;

type Node = Record<string, unknown>;

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@',
  parseTagValue: false,
  isArray: (name) => ['Message', 'Item', 'AdjustedItem', 'Component'].includes(name),
});

function text(node: unknown, key: string): string | undefined {
  const value = (node as Node | undefined)?.[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'object') return String((value as Node)['#text'] ?? '');
  return String(value).trim();
}

function list(node: unknown, key: string): Node[] {
  const value = (node as Node | undefined)?.[key];
  return Array.isArray(value) ? (value as Node[]) : [];
}

export interface ParsedFeed {
  messageType: string;
  messages: { messageId: string; body: Node }[];
}

export function parseOrderFeed(xml: string): ParsedFeed {
  const envelope = (parser.parse(xml) as Node).AmazonEnvelope as Node;
  const messageType = text(envelope, 'MessageType') ?? '';
  return {
    messageType,
    messages: list(envelope, 'Message').map((message) => ({
      messageId: text(message, 'MessageID') ?? '0',
      body: message[messageType] as Node,
    })),
  };
}

function fulfil(sim: Simulation, order: SimOrder, body: Node, at: Date): void {
  const data = body.FulfillmentData as Node | undefined;
  const code = text(data, 'CarrierCode');
  const name = text(data, 'CarrierName');
  if ((code === undefined || code === 'Other') && (name === undefined || name === '')) {
    throw new OrderRefusal(
      'unknown-carrier',
      'The carrier is not recognised: give a CarrierCode from the list, or CarrierName with CarrierCode Other.',
    );
  }
  const items = list(body, 'Item').map((item) => {
    const orderItemId = text(item, 'AmazonOrderItemCode') ?? '';
    const found = order.items.find((candidate) => candidate.orderItemId === orderItemId);
    const left = found ? found.quantity - found.shipped - found.cancelled : 0;
    return { orderItemId, quantity: Number(text(item, 'Quantity') ?? left) };
  });
  const tracking = text(data, 'ShipperTrackingNumber');
  const method = text(data, 'ShippingMethod');
  shipOrder(
    sim.store,
    order,
    {
      ...(items.length > 0 ? { items } : {}),
      carrier: code !== undefined && code !== 'Other' ? code : (name ?? ''),
      ...(method !== undefined ? { shippingService: method } : {}),
      ...(tracking !== undefined ? { trackingNumber: tracking } : {}),
      shipTime: new Date(text(body, 'FulfillmentDate') ?? at.toISOString()),
    },
    at,
  );
}

/**
 * StatusCode Failure cancels: each Item's units (its Quantity, or all it has left), with its own
 * CancelReason; no Item at all cancels the whole order. Amazon refuses a seller cancellation of an FBA
 * order, of an order still Pending, and of units already shipped.
 */
function acknowledge(sim: Simulation, order: SimOrder, body: Node, at: Date): void {
  if (text(body, 'StatusCode') !== 'Failure') return;
  if (sim.faults.takeSticky('cancel-refused')) {
    throw new OrderRefusal(
      'cancel-refused',
      `The cancellation of order ${order.orderId} could not be processed at this time. Resubmit it later`,
    );
  }
  if (order.fulfilledBy === 'AMAZON') {
    throw new OrderRefusal(
      'fulfilled-by-amazon',
      `Order ${order.orderId} is fulfilled by Amazon and cannot be cancelled by the seller`,
    );
  }
  if (order.status === 'PENDING') {
    throw new OrderRefusal(
      'pending',
      `Order ${order.orderId} is Pending and cannot be cancelled by the seller until payment is confirmed`,
    );
  }
  const items = list(body, 'Item');
  if (items.length === 0) {
    cancelOrder(order, 'MERCHANT', 'GeneralAdjustment', at);
    return;
  }
  const targets = items.map((item) => {
    const quantity = text(item, 'Quantity');
    return {
      orderItemId: text(item, 'AmazonOrderItemCode') ?? '',
      reason: text(item, 'CancelReason') ?? 'GeneralAdjustment',
      ...(quantity !== undefined ? { quantity: Number(quantity) } : {}),
    };
  });
  const reasons = [...new Set(targets.map((t) => t.reason))];
  // Every line is checked on a copy before any is applied, so a refused message leaves the order untouched.
  const trial = structuredClone(order);
  for (const reason of reasons) {
    cancelOrder(
      trial,
      'MERCHANT',
      reason,
      at,
      targets.filter((t) => t.reason === reason),
    );
  }
  for (const reason of reasons) {
    cancelOrder(
      order,
      'MERCHANT',
      reason,
      at,
      targets.filter((t) => t.reason === reason),
    );
  }
}

/**
 * ActionType Refund (or none): each AdjustedItem's components, as line totals, applied together or not
 * at all (adjustOrder says what Amazon refuses).
 */
function adjust(sim: Simulation, order: SimOrder, body: Node, at: Date): void {
  const adjustments: ItemAdjustment[] = list(body, 'AdjustedItem').map((adjusted) => {
    const merchantId = text(adjusted, 'MerchantAdjustmentItemID');
    return {
      orderItemId: text(adjusted, 'AmazonOrderItemCode') ?? '',
      ...(merchantId !== undefined ? { merchantAdjustmentItemId: merchantId } : {}),
      components: list(adjusted.ItemPriceAdjustments, 'Component').map((component) => ({
        type: text(component, 'Type') ?? '',
        cents: parseCents(text(component, 'Amount') ?? '') ?? 0,
      })),
    };
  });
  adjustOrder(sim.store, order, adjustments, at);
}

function refusalResult(messageId: string, orderId: string, err: OrderRefusal): MessageResult {
  return {
    messageId,
    resultCode: 'Error',
    messageCode: GENERIC_ERROR,
    description: `${err.message}.`,
    amazonOrderId: orderId,
  };
}

/** The order a message names: by AmazonOrderID, or by the seller's own order id (MerchantOrderID). */
function namedOrder(sim: Simulation, sellerId: string, body: Node) {
  const amazonOrderId = text(body, 'AmazonOrderID');
  if (amazonOrderId !== undefined)
    return { orderId: amazonOrderId, order: sim.store.orders.get(amazonOrderId) };
  const merchantOrderId = text(body, 'MerchantOrderID') ?? '';
  const order = [...sim.store.orders.values()].find(
    (candidate) => candidate.sellerId === sellerId && candidate.sellerOrderId === merchantOrderId,
  );
  return { orderId: merchantOrderId, order };
}

/** Runs every message; a refused message becomes an Error result and leaves its order untouched. */
export function applyOrderFeed(
  sim: Simulation,
  sellerId: string,
  feed: ParsedFeed,
  at: Date,
): MessageResult[] {
  const results: MessageResult[] = [];
  for (const { messageId, body } of feed.messages) {
    const { orderId, order } = namedOrder(sim, sellerId, body);
    if (!order || order.sellerId !== sellerId) {
      results.push({
        messageId,
        resultCode: 'Error',
        messageCode: GENERIC_ERROR,
        description: `Your order cannot be found using Merchant ID ${sellerId} and Amazon Order ID ${orderId}. Enter the correct order ID and then resubmit your feed.`,
        amazonOrderId: orderId,
      });
      continue;
    }
    try {
      if (feed.messageType === 'OrderFulfillment') fulfil(sim, order, body, at);
      else if (feed.messageType === 'OrderAcknowledgement') acknowledge(sim, order, body, at);
      else adjust(sim, order, body, at);
    } catch (err) {
      if (!(err instanceof OrderRefusal)) throw err;
      results.push(refusalResult(messageId, orderId, err));
    }
  }
  return results;
}
