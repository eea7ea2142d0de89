import { describe, expect, it } from 'vitest';
import type { FinanceTransaction } from '../amazon/port.js';
import { transactionFacts } from './finance-transactions.facts.js';

const usd = (currencyAmount: string) => ({ currencyCode: 'USD', currencyAmount });
const refund: FinanceTransaction = {
  transactionType: 'Refund',
  transactionStatus: 'RELEASED',
  postedDate: '2026-11-25T10:00:00Z',
  totalAmount: usd('-30.99'),
  relatedIdentifiers: [
    { relatedIdentifierName: 'ORDER_ID', relatedIdentifierValue: '112-0000000-0000001' },
    { relatedIdentifierName: 'REFUND_ID', relatedIdentifierValue: 'A1B2C3' },
  ],
  breakdowns: [
    { breakdownType: 'Product Charges', breakdownAmount: usd('-34.99') },
    { breakdownType: 'Amazon Fees', breakdownAmount: usd('4') },
  ],
};

describe('what a Finances transaction says about an order', () => {
  it('a refund: what went back to the buyer is its product charges, not its total with the fees returned', () => {
    expect(transactionFacts(refund)).toMatchObject({
      amazonOrderId: '112-0000000-0000001',
      refundId: 'A1B2C3',
      totalAmount: '-30.99',
      givenBack: '34.99',
      // Amazon marks transactionId optional: the same transaction read twice gets the same id.
      transactionId: 'Refund:112-0000000-0000001:A1B2C3:2026-11-25T10:00:00Z',
    });
  });

  it('a deferred shipment payment carries its release date; a transaction of no order is not an order’s', () => {
    const shipment: FinanceTransaction = {
      ...refund,
      transactionType: 'Shipment',
      transactionId: 'T-1',
      transactionStatus: 'DEFERRED',
      totalAmount: usd('25'),
      contexts: [
        { contextType: 'DeferredContext', deferralReason: 'DD7', maturityDate: '2026-12-02T00:00:00Z' },
      ],
    };
    expect(transactionFacts(shipment)).toMatchObject({
      transactionId: 'T-1',
      givenBack: null,
      totalAmount: '25.00',
      maturityAt: new Date('2026-12-02T00:00:00Z'),
    });
    expect(transactionFacts({ ...refund, relatedIdentifiers: [] })).toBeNull();
  });
});
