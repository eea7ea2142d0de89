import iconv from 'iconv-lite';
import type { Db } from '../../src/db/client.js';
import type { SimReport } from '../../src/simulator/records.js';
import { SETTLEMENT_REPORT_TYPE } from '../../src/simulator/settlement.js';
import type { Simulation } from '../../src/simulator/simulation.js';

/**
 * Every settlement report Amazon closed for a company that reconciles settlements is ingested, each
 * settlement stored once and complete, and its lines are the rows of Amazon's latest file of it, each
 * once (a row set aside as unreadable counts as its own, visibly).
 */

interface SettlementFile {
  settlementId: string;
  header: string[];
  /** Content key of each detail row (repeated rows repeated). */
  rows: string[];
}

/** An amount as a key: two places when it is a plain decimal, else the text as written. */
function amountKey(text: string): string {
  const trimmed = text.trim();
  return /^-?\d+(\.\d+)?$/.test(trimmed) ? Number(trimmed).toFixed(2) : trimmed;
}

function rowKey(values: {
  transactionType: string | null;
  orderId: string | null;
  description: string | null;
  orderItemCode: string | null;
  posted: string | null;
  amount: string;
}): string {
  return [
    values.transactionType ?? '',
    values.orderId ?? '',
    values.description ?? '',
    values.orderItemCode ?? '',
    values.posted ?? '',
    amountKey(values.amount),
  ].join('|');
}

/** Reads a V2 flat file's detail rows by header name (the simulator writes one record per line, no quoting). */
function keysOfRows(header: string[], records: string[][]): string[] {
  const at = (record: string[], column: string) => record[header.indexOf(column)]?.trim() ?? '';
  return records.map((record) =>
    rowKey({
      transactionType: at(record, 'transaction-type'),
      orderId: at(record, 'order-id'),
      description: at(record, 'amount-description'),
      orderItemCode: at(record, 'order-item-code'),
      posted: at(record, 'posted-date-time') || at(record, 'posted-date'),
      amount: at(record, 'amount'),
    }),
  );
}

function readFile(sim: Simulation, report: SimReport): SettlementFile | undefined {
  const document = sim.store.documents.get(report.reportDocumentId ?? '');
  if (!document?.content) return undefined;
  const text = iconv.decode(document.content, 'windows-1252');
  const [first = '', summary = '', ...details] = text.split('\n').filter((line) => line.trim() !== '');
  const header = first.split('\t').map((name) => name.trim().toLowerCase());
  return {
    settlementId: summary.split('\t')[0] ?? '',
    header,
    rows: keysOfRows(
      header,
      details.map((line) => line.split('\t')),
    ),
  };
}

function countKeys(keys: string[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const key of keys) counts.set(key, (counts.get(key) ?? 0) + 1);
  return counts;
}

/** What is stored of one settlement: its lines and its quarantined rows, as content keys. */
async function storedKeys(db: Db, settlementPk: number, header: string[]): Promise<string[]> {
  const lines = await db
    .selectFrom('settlement_lines')
    .select(['transaction_type', 'order_id', 'amount_description', 'order_item_code', 'posted_raw', 'amount'])
    .where('settlement_pk', '=', settlementPk)
    .execute();
  const quarantined = await db
    .selectFrom('settlement_quarantine')
    .select('raw')
    .where('settlement_pk', '=', settlementPk)
    .execute();
  return [
    ...lines.map((line) =>
      rowKey({
        transactionType: line.transaction_type,
        orderId: line.order_id,
        description: line.amount_description,
        orderItemCode: line.order_item_code,
        posted: line.posted_raw,
        amount: line.amount,
      }),
    ),
    ...keysOfRows(
      header,
      quarantined.map((row) => row.raw.split('\t')),
    ),
  ];
}

/** Checks one company's settlements; returns how many settlements were compared. */
export async function checkSettlements(
  db: Db,
  sim: Simulation,
  companyId: number,
  sellerId: string,
  violation: (detail: string) => void,
): Promise<number> {
  const company = await db
    .selectFrom('companies')
    .select('settlement_reconciliation')
    .where('id', '=', companyId)
    .executeTakeFirstOrThrow();
  if (!company.settlement_reconciliation) return 0;
  const reports = [...sim.store.reports.values()].filter(
    (report) =>
      report.sellerId === sellerId &&
      report.reportType === SETTLEMENT_REPORT_TYPE &&
      report.processingStatus === 'DONE',
  );
  const ingested = await db
    .selectFrom('settlement_reports')
    .select('report_id')
    .where('company_id', '=', companyId)
    .execute();
  const ingestedIds = new Set(ingested.map((row) => row.report_id));
  // The latest file of each settlement (a reissue replaces the earlier one).
  const latest = new Map<string, SettlementFile>();
  for (const report of reports.sort((a, b) => a.createdTime.getTime() - b.createdTime.getTime())) {
    const file = readFile(sim, report);
    if (!file) continue;
    if (!ingestedIds.has(report.reportId))
      violation(`report ${report.reportId} (settlement ${file.settlementId}) not ingested`);
    latest.set(file.settlementId, file);
  }
  for (const [settlementId, file] of latest) {
    const stored = await db
      .selectFrom('settlements')
      .select(['id', 'state'])
      .where('company_id', '=', companyId)
      .where('settlement_id', '=', settlementId)
      .execute();
    const [settlement] = stored;
    if (stored.length !== 1 || !settlement) {
      violation(`settlement ${settlementId} stored ${stored.length} times`);
      continue;
    }
    if (settlement.state !== 'complete') violation(`settlement ${settlementId} still ${settlement.state}`);
    const expected = countKeys(file.rows);
    const got = countKeys(await storedKeys(db, settlement.id, file.header));
    for (const key of new Set([...expected.keys(), ...got.keys()])) {
      const want = expected.get(key) ?? 0;
      const have = got.get(key) ?? 0;
      if (want !== have)
        violation(
          `settlement ${settlementId} row ${key}: stored ${have} times, Amazon's file has it ${want} times`,
        );
    }
  }
  return latest.size;
}
