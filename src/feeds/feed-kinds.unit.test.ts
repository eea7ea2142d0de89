import { describe, expect, it } from 'vitest';
import { element } from './feed-envelope.js';
import { FeedKinds, type FeedKindDefinition } from './feed-kinds.js';

const applier = {
  applyVerdicts: () => Promise.resolve(),
  releaseEntities: () => Promise.resolve(),
};

function kind(name: string, feedType = 'POST_ORDER_ACKNOWLEDGEMENT_DATA'): FeedKindDefinition<number> {
  return {
    kind: name,
    feedType,
    messageType: 'OrderAcknowledgement',
    buildMessage: (id) => ({ entityKind: 'thing', entityId: id, body: element('OrderAcknowledgement', id) }),
    applier,
  };
}

describe('feed kinds registered by their domains', () => {
  it('gives the pipeline the applier a domain registered, and refuses a kind nobody registered', () => {
    const kinds = new FeedKinds([kind('order-fulfillment', 'POST_ORDER_FULFILLMENT_DATA')]);
    kinds.register(kind('order-acknowledgement'));
    expect(kinds.get('order-acknowledgement').applier).toBe(applier);
    expect(kinds.list().map((k) => k.kind)).toEqual(['order-fulfillment', 'order-acknowledgement']);
    expect(() => kinds.get('payment-adjustment')).toThrow('no feed kind payment-adjustment is registered');
  });

  it('refuses a kind registered twice, a malformed name, and a feed type Amazon does not have', () => {
    const kinds = new FeedKinds([kind('order-acknowledgement')]);
    expect(() => kinds.register(kind('order-acknowledgement'))).toThrow('registered twice');
    expect(() => kinds.register(kind('Order Ack'))).toThrow('expected lowercase words');
    expect(() => kinds.register(kind('refund', 'post payment'))).toThrow('is not an Amazon feed type');
  });
});
