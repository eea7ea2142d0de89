import type { FinanceBreakdown, FinanceTransaction } from '../amazon/port.js';
import { formatMoney, storedMoney } from '../shared/money.js';
import type { RefundedItem } from './finance-transactions.table.js';

/**
 * What a Finances API transaction says about an order, read from Amazon's shape: which order, which
 * refund or shipment, its status and release date, and for a refund what went back to the buyer (the
 * product charges given back). No I/O.
 */
export interface TransactionFacts {
  transactionId: string;
  amazonOrderId: string;
  transactionType: string;
  transactionStatus: string | null;
  description: string | null;
  postedAt: Date;
  totalAmount: string;
  currency: string;
  refundId: string | null;
  shipmentId: string | null;
  maturityAt: Date | null;
  /** Refunds: the product charges given back, positive; null for other types. */
  givenBack: string | null;
  /** Refunds: what each item gave back per adjustment component (Principal, Tax, Shipping, …), positive. */
  refundedItems: RefundedItem[];
}

/** Amazon's names of product charges, as the adjustment components they are (its example writes "Principle"). */
const COMPONENTS: Record<string, string> = {
  principal: 'Principal',
  principle: 'Principal',
  tax: 'Tax',
  shipping: 'Shipping',
  shippingcharge: 'Shipping',
  shippingtax: 'ShippingTax',
  giftwrap: 'GiftWrap',
  giftwraptax: 'GiftWrapTax',
};

function refundedItemsOf(transaction: FinanceTransaction, currency: string): RefundedItem[] {
  return (transaction.items ?? []).flatMap((item) => {
    const sku = item.contexts?.find((context) => context.contextType === 'ProductContext')?.sku;
    if (typeof sku !== 'string') return [];
    const charges = (item.breakdowns ?? []).filter((b) => normalized(b.breakdownType) === 'productcharges');
    return charges.flatMap((charge) =>
      (charge.breakdowns ?? []).map((part) => ({
        sku,
        component: COMPONENTS[normalized(part.breakdownType)] ?? 'Other',
        amount: formatMoney(-storedMoney(part.breakdownAmount?.currencyAmount ?? '0', currency), currency),
      })),
    );
  });
}

const normalized = (type: string | undefined) => (type ?? '').toLowerCase().replace(/[^a-z]/g, '');

function productCharges(breakdowns: FinanceBreakdown[] | undefined, currency: string): bigint | null {
  const charges = (breakdowns ?? []).filter((b) => normalized(b.breakdownType) === 'productcharges');
  if (charges.length === 0) return null;
  return charges.reduce(
    (sum, b) => sum + storedMoney(b.breakdownAmount?.currencyAmount ?? '0', currency),
    0n,
  );
}

export function transactionFacts(transaction: FinanceTransaction): TransactionFacts | null {
  const related = (name: string) =>
    transaction.relatedIdentifiers?.find((id) => id.relatedIdentifierName === name)?.relatedIdentifierValue ??
    null;
  const amazonOrderId = related('ORDER_ID');
  if (amazonOrderId === null) return null;
  const refundId = related('REFUND_ID');
  const shipmentId = related('SHIPMENT_ID');
  const currency = transaction.totalAmount.currencyCode;
  const maturity = transaction.contexts?.find(
    (context) => context.contextType === 'DeferredContext',
  )?.maturityDate;
  const refund = transaction.transactionType === 'Refund';
  const total = storedMoney(transaction.totalAmount.currencyAmount, currency);
  const charges = refund ? productCharges(transaction.breakdowns, currency) : null;
  return {
    transactionId:
      transaction.transactionId ??
      `${transaction.transactionType}:${amazonOrderId}:${refundId ?? shipmentId ?? ''}:${transaction.postedDate}`,
    amazonOrderId,
    transactionType: transaction.transactionType,
    transactionStatus: transaction.transactionStatus ?? null,
    description: transaction.description ?? null,
    postedAt: new Date(transaction.postedDate),
    totalAmount: formatMoney(total, currency),
    currency,
    refundId,
    shipmentId,
    maturityAt: typeof maturity === 'string' ? new Date(maturity) : null,
    givenBack: refund ? formatMoney(-(charges ?? total), currency) : null,
    refundedItems: refund ? refundedItemsOf(transaction, currency) : [],
  };
}
