import type { Readable } from 'node:stream';
import { parse } from 'csv-parse';
import { parseSettlementDate, SettlementDateError } from './settlement-dates.js';
import { formatOfHeader, SettlementFormatError, V1_AMOUNTS } from './flat-file.columns.js';
import { parseAmount } from './amounts.js';
import { describeRowIssue, detailSchema, summarySchema, v2AmountSchema } from './flat-file.rows.js';
import type {
  FlatFileEvent,
  SettlementFormat,
  SettlementLine,
  SettlementSummary,
} from './flat-file.types.js';

/**
 * Reads a settlement flat file (tab-separated text) by header name, one row at a time: first the summary,
 * then each money line; a row that cannot be read is given back as quarantined, with its line number and
 * why, and the rest is read on. Transaction types, amount types and descriptions are kept as written.
 */

class RowProblem extends Error {}

type Record = (column: string) => string;

function pick(shape: readonly string[], get: Record): { [column: string]: string } {
  const values: { [column: string]: string } = {};
  for (const column of shape) values[column] = get(column);
  return values;
}

const SUMMARY_COLUMNS = Object.keys(summarySchema.shape);
const DETAIL_COLUMNS = Object.keys(detailSchema.shape);
const V2_AMOUNT_COLUMNS = Object.keys(v2AmountSchema.shape);

function readSummary(line: number, get: Record): SettlementSummary {
  const parsed = summarySchema.safeParse(pick(SUMMARY_COLUMNS, get));
  if (!parsed.success)
    throw new SettlementFormatError(
      `line ${line}: the summary row is unreadable: ${describeRowIssue(parsed.error)}`,
    );
  const row = parsed.data;
  return {
    line,
    settlementId: row['settlement-id'],
    startAt: row['settlement-start-date'],
    endAt: row['settlement-end-date'],
    depositAt: row['deposit-date'],
    totalAmount: row['total-amount'],
    currency: row.currency,
  };
}

function postedOf(raw: string | null): Date | null {
  if (raw === null) return null;
  try {
    return parseSettlementDate(raw);
  } catch (err) {
    if (err instanceof SettlementDateError) throw new RowProblem(`posted-date-time: ${err.message}`);
    throw err;
  }
}

type Amounts = { amountType: string; amountDescription: string; amount: string }[];

function v2Amounts(get: Record): Amounts {
  const parsed = v2AmountSchema.safeParse(pick(V2_AMOUNT_COLUMNS, get));
  if (!parsed.success) throw new RowProblem(describeRowIssue(parsed.error));
  const row = parsed.data;
  return [
    {
      amountType: row['amount-type'] ?? '',
      amountDescription: row['amount-description'] ?? '',
      amount: row.amount,
    },
  ];
}

function v1Amounts(get: Record, transactionType: string): Amounts {
  const amounts: Amounts = [];
  for (const column of V1_AMOUNTS) {
    const written = get(column.amountColumn).trim();
    if (written === '') continue;
    let amount: string;
    try {
      amount = parseAmount(written);
    } catch (err) {
      throw new RowProblem(`${column.amountColumn}: ${(err as Error).message}`);
    }
    const described = column.typeColumn === null ? '' : get(column.typeColumn).trim();
    amounts.push({ amountType: column.amountType, amountDescription: described || transactionType, amount });
  }
  if (amounts.length === 0) throw new RowProblem('the row has no amount');
  return amounts;
}

function readDetail(
  format: SettlementFormat,
  summary: SettlementSummary,
  line: number,
  get: Record,
): SettlementLine[] {
  const parsed = detailSchema.safeParse(pick(DETAIL_COLUMNS, get));
  if (!parsed.success) throw new RowProblem(describeRowIssue(parsed.error));
  const row = parsed.data;
  if (row['settlement-id'] !== summary.settlementId)
    throw new RowProblem(
      `settlement-id ${row['settlement-id']} is not the file's settlement ${summary.settlementId}`,
    );
  const transactionType = row['transaction-type'] ?? '';
  const postedRaw = row['posted-date-time'] ?? row['posted-date'];
  const postedAt = postedOf(postedRaw);
  const amounts = format === 'v2' ? v2Amounts(get) : v1Amounts(get, transactionType);
  return amounts.map((money, sub) => ({
    line,
    sub,
    transactionType,
    orderId: row['order-id'],
    merchantOrderId: row['merchant-order-id'],
    adjustmentId: row['adjustment-id'],
    shipmentId: row['shipment-id'],
    marketplaceName: row['marketplace-name'],
    ...money,
    fulfillmentId: row['fulfillment-id'],
    postedAt,
    postedRaw,
    orderItemCode: row['order-item-code'],
    merchantOrderItemId: row['merchant-order-item-id'],
    merchantAdjustmentItemId: row['merchant-adjustment-item-id'],
    sku: row.sku,
    quantity: row['quantity-purchased'],
    promotionId: row['promotion-id'],
  }));
}

function isBlank(record: string[]): boolean {
  return record.every((field) => field.trim() === '');
}

export async function* readSettlementFlatFile(text: Readable): AsyncGenerator<FlatFileEvent> {
  // No quoting in Amazon's flat files: a `"` is part of the text, and every record is one line.
  const records = text.pipe(
    parse({ delimiter: '\t', quote: false, relax_column_count: true, skip_empty_lines: false, bom: true }),
  );
  text.once('error', (err) => records.destroy(err));
  let lineNumber = 0;
  let columns: string[] | undefined;
  let index = new Map<string, number>();
  let format: SettlementFormat = 'v2';
  let summary: SettlementSummary | undefined;
  for await (const record of records as AsyncIterable<string[]>) {
    lineNumber += 1;
    if (isBlank(record)) continue;
    if (!columns) {
      columns = record.map((name) => name.trim().toLowerCase());
      format = formatOfHeader(columns);
      index = new Map(columns.map((name, position) => [name, position]));
      continue;
    }
    const get: Record = (column) => {
      const position = index.get(column);
      return position === undefined ? '' : (record[position] ?? '');
    };
    if (!summary) {
      if (get('transaction-type').trim() !== '' || get('total-amount').trim() === '')
        throw new SettlementFormatError(
          `line ${lineNumber}: the first row is not the summary row (settlement-id, dates, total-amount)`,
        );
      summary = readSummary(lineNumber, get);
      yield { kind: 'summary', format, summary };
      continue;
    }
    try {
      if (record.length > columns.length)
        throw new RowProblem(`${record.length} fields where the header has ${columns.length}`);
      for (const line of readDetail(format, summary, lineNumber, get)) yield { kind: 'line', line };
    } catch (err) {
      if (!(err instanceof RowProblem)) throw err;
      yield { kind: 'quarantined', row: { line: lineNumber, reason: err.message, raw: record.join('\t') } };
    }
  }
  if (!columns) throw new SettlementFormatError('the file is empty');
  if (!summary) throw new SettlementFormatError('the file has a header but no summary row');
}
