import { z } from 'zod';

/**
 * Defects Amazon's records sometimes carry, put on one order's records on demand so that tests see how a
 * bad record is set aside while the rest flows: the order as the Orders API serves it (searchOrders,
 * getOrder), its lines in the all-orders report, or its rows in a settlement report written while the
 * defect is on (a settlement file, once written, keeps it until Amazon reissues the report).
 *   missing-field  a required field left out: the order's createdTime, the report line's purchase-date,
 *                  the settlement row's amount
 *   bad-money      a money value written with its currency symbol ("$12.99"): the order's grand total,
 *                  the report line's item-price, the settlement row's amount
 */
export const RECORD_DEFECT_PLACES = ['order', 'report-line', 'settlement-row'] as const;
export const RECORD_DEFECT_KINDS = ['missing-field', 'bad-money'] as const;

export const recordDefectSchema = z
  .object({ place: z.enum(RECORD_DEFECT_PLACES), kind: z.enum(RECORD_DEFECT_KINDS) })
  .strict();

export type RecordDefect = z.infer<typeof recordDefectSchema>;
export type RecordDefectPlace = RecordDefect['place'];

/** Each order's defects, by its order id. */
export type RecordDefects = Map<string, RecordDefect[]>;

export function defectOf(
  defects: RecordDefects,
  orderId: string,
  place: RecordDefectPlace,
): RecordDefect['kind'] | undefined {
  return defects.get(orderId)?.find((defect) => defect.place === place)?.kind;
}

const withSymbol = (amount: string) => (amount.startsWith('-') ? `-$${amount.slice(1)}` : `$${amount}`);

/** The order as the Orders API serves it, with its defect. */
export function defectiveOrder(
  defects: RecordDefects,
  view: Record<string, unknown>,
): Record<string, unknown> {
  const kind = defectOf(defects, String(view.orderId), 'order');
  if (kind === 'missing-field') {
    const { createdTime: _left, ...rest } = view;
    return rest;
  }
  const proceeds = view.proceeds as { grandTotal?: { amount: string } } | undefined;
  if (kind === 'bad-money' && proceeds?.grandTotal)
    return {
      ...view,
      proceeds: {
        ...proceeds,
        grandTotal: { ...proceeds.grandTotal, amount: withSymbol(proceeds.grandTotal.amount) },
      },
    };
  return view;
}

/** An all-orders report line (by column), with the defect of its order. */
export function defectiveReportLine<T extends Record<string, string>>(defects: RecordDefects, values: T): T {
  const kind = defectOf(defects, values['amazon-order-id'] ?? '', 'report-line');
  if (kind === 'missing-field') return { ...values, 'purchase-date': '' };
  if (kind === 'bad-money') return { ...values, 'item-price': withSymbol(values['item-price'] ?? '0.00') };
  return values;
}

/** A settlement row's amount, with the defect of the row's order. */
export function defectiveSettlementAmount(defects: RecordDefects, orderId: string, amount: string): string {
  const kind = orderId === '' ? undefined : defectOf(defects, orderId, 'settlement-row');
  if (kind === 'missing-field') return '';
  if (kind === 'bad-money') return withSymbol(amount);
  return amount;
}
