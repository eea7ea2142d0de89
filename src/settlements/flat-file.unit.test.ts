import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { fromCents, toCents } from './amounts.js';
import { charsetOfContentType, decodeSettlementBytes } from './decode.js';
import { SettlementFormatError } from './flat-file.columns.js';
import { readSettlementFlatFile } from './flat-file.js';
import type { FlatFileEvent, SettlementLine } from './flat-file.types.js';

const SAMPLES = resolve(process.cwd(), '../shared/amazon/samples');
const V2_SAMPLE = readFileSync(`${SAMPLES}/settlement-v2-flatfile.synthetic.xieyi138-star.txt`);
const V1_SAMPLE = readFileSync(`${SAMPLES}/settlement-v1-flatfile.real-mws-recording.scaleleap.txt`);

async function read(bytes: Buffer, charset?: string) {
  const decoded = await decodeSettlementBytes(Readable.from([bytes]), charset);
  const events: FlatFileEvent[] = [];
  for await (const event of readSettlementFlatFile(decoded.text)) events.push(event);
  const lines = events.flatMap((event) => (event.kind === 'line' ? [event.line] : []));
  const quarantined = events.flatMap((event) => (event.kind === 'quarantined' ? [event.row] : []));
  const summary = events.find((event) => event.kind === 'summary');
  if (summary?.kind !== 'summary') throw new Error('no summary');
  return { ...summary, lines, quarantined, encoding: decoded.encoding, gzipped: decoded.gzipped };
}

const sumOf = (lines: SettlementLine[]) =>
  fromCents(lines.reduce((sum, line) => sum + toCents(line.amount), 0n));

const V2_HEADER = V2_SAMPLE.toString('utf8').split('\n')[0] ?? '';

/** A V2 file from detail rows given as column → value, the rest blank. */
function v2File(summary: Record<string, string>, rows: Record<string, string>[], eol = '\n'): string {
  const columns = V2_HEADER.split('\t');
  const row = (values: Record<string, string>) => columns.map((column) => values[column] ?? '').join('\t');
  return [V2_HEADER, row(summary), ...rows.map(row)].join(eol) + eol;
}

describe('settlement flat files', () => {
  it('reads the V2 sample: its total is the sum of its lines, every type kept as written', async () => {
    const file = await read(V2_SAMPLE);
    expect(file.format).toBe('v2');
    expect(file.summary).toMatchObject({
      settlementId: '28471003921',
      totalAmount: '582.89',
      currency: 'USD',
      startAt: new Date('2026-06-16T00:00:00Z'),
      endAt: new Date('2026-06-30T23:59:59Z'),
      depositAt: new Date('2026-07-02T00:00:00Z'),
    });
    expect(file.lines).toHaveLength(23);
    expect(file.quarantined).toEqual([]);
    expect(sumOf(file.lines)).toBe('582.89');
    const descriptions = new Set(file.lines.map((line) => line.amountDescription));
    expect(descriptions).toContain('LowInventoryLevelFee');
    expect(descriptions).toContain('Previous Reserve Amount Balance');
    expect(file.lines[0]).toMatchObject({
      line: 3,
      transactionType: 'Order',
      orderId: '114-8829371-4410258',
      amountType: 'ItemPrice',
      amountDescription: 'Principal',
      amount: '129.99',
      postedAt: new Date('2026-06-17T08:14:22Z'),
      postedRaw: '2026-06-17 08:14:22 UTC',
      quantity: 1,
      sku: 'NX-HD-1200',
    });
  });

  it('reads the V1 sample into V2-style lines (amount-type from the V1 column, description from the type)', async () => {
    const file = await read(V1_SAMPLE);
    expect(file.format).toBe('v1');
    expect(file.summary).toMatchObject({
      settlementId: '12746358451',
      totalAmount: '-29.99',
      currency: 'CAD',
    });
    expect(file.lines.map((line) => [line.transactionType, line.amountType, line.amount])).toEqual([
      ['Payable to Amazon', 'other-transaction', '-29.99'],
      ['Subscription Fee', 'other-transaction', '-29.99'],
      ['Successful charge', 'other-transaction', '29.99'],
    ]);
    expect(sumOf(file.lines)).toBe('-29.99');
  });

  it('reads a gzipped, Cp1252 file with CRLF, whatever the listing said about compression', async () => {
    const text = v2File(
      { 'settlement-id': '901', 'total-amount': '-3.50', currency: 'EUR' },
      [
        {
          'settlement-id': '901',
          'transaction-type': 'other-transaction',
          'amount-type': 'other-transaction',
          'amount-description': 'Gebühr für Rücksendung – Café',
          amount: '-3.50',
          'posted-date-time': '2026-07-15 12:00:00 UTC',
        },
      ],
      '\r\n',
    );
    const file = await read(
      gzipSync(iconv.encode(text, 'windows-1252')),
      charsetOfContentType('text/plain;charset=Cp1252'),
    );
    expect(file.gzipped).toBe(true);
    expect(file.lines[0]?.amountDescription).toBe('Gebühr für Rücksendung – Café');
    expect(file.lines[0]?.postedRaw).toBe('2026-07-15 12:00:00 UTC');
  });

  it('recognises a Cp1252 file without a declared charset', async () => {
    const text = v2File({ 'settlement-id': '902', 'total-amount': '1.00' }, [
      {
        'settlement-id': '902',
        'transaction-type': 'Adjustment',
        'amount-description': 'Rückerstattung',
        amount: '1.00',
      },
    ]);
    const file = await read(iconv.encode(text, 'windows-1252'));
    expect(file.encoding).toBe('windows-1252');
    expect(file.lines[0]?.amountDescription).toBe('Rückerstattung');
  });

  it('reads a Shift_JIS (cp932) Japanese file with JST dates and yen amounts', async () => {
    const text = v2File(
      {
        'settlement-id': '903',
        'settlement-start-date': '2026/07/01 09:00:00 JST',
        'total-amount': '1,200',
        currency: 'JPY',
      },
      [
        {
          'settlement-id': '903',
          'transaction-type': 'Order',
          'order-id': '503-1234567-1234567',
          'marketplace-name': 'Amazon.co.jp',
          'amount-type': 'ItemPrice',
          'amount-description': '商品代金',
          amount: '1,200',
          'posted-date-time': '2026/07/15 21:00:00 JST',
        },
      ],
    );
    const file = await read(iconv.encode(text, 'cp932'), 'Shift_JIS');
    expect(file.summary.startAt).toEqual(new Date('2026-07-01T00:00:00Z'));
    expect(file.lines[0]).toMatchObject({ amountDescription: '商品代金', amount: '1200' });
    expect(file.lines[0]?.postedAt).toEqual(new Date('2026-07-15T12:00:00Z'));
  });

  it('reads an EU file with a BOM, decimal commas and day-first dates', async () => {
    const text = v2File(
      {
        'settlement-id': '904',
        'deposit-date': '15.07.2026 12:00:00 UTC',
        'total-amount': '1.190,50',
        currency: 'EUR',
      },
      [
        {
          'settlement-id': '904',
          'transaction-type': 'Order',
          'amount-type': 'ItemPrice',
          'amount-description': 'Principal',
          amount: '1.195,50',
          'posted-date': '14.07.2026',
        },
        {
          'settlement-id': '904',
          'transaction-type': 'Order',
          'amount-type': 'ItemFees',
          'amount-description': 'Commission',
          amount: '-5,00',
          'posted-date': '14.07.2026',
        },
      ],
    );
    const file = await read(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text)]));
    expect(file.summary).toMatchObject({
      settlementId: '904',
      totalAmount: '1190.5',
      depositAt: new Date('2026-07-15T12:00:00Z'),
    });
    expect(file.lines.map((line) => line.amount)).toEqual(['1195.5', '-5']);
    expect(sumOf(file.lines)).toBe('1190.50');
  });

  it('quarantines a malformed row with its line number and reads the rest', async () => {
    const good = {
      'settlement-id': '905',
      'transaction-type': 'Order',
      'amount-type': 'ItemPrice',
      'amount-description': 'Principal',
      amount: '10.00',
    };
    const text = v2File({ 'settlement-id': '905', 'total-amount': '20.00' }, [
      good,
      { ...good, amount: '12.x' },
      { ...good, 'posted-date-time': '2026-02-30 00:00:00 UTC' },
      { ...good, 'settlement-id': '999' },
      good,
    ]);
    const file = await read(Buffer.from(`${text}905${'\tx'.repeat(25)}\n`));
    expect(file.lines.map((line) => line.line)).toEqual([3, 7]);
    expect(file.quarantined.map((row) => [row.line, row.reason])).toEqual([
      [4, 'amount: "12.x" is not an amount'],
      [5, 'posted-date-time: "2026-02-30 00:00:00 UTC" is not a date that exists'],
      [6, "settlement-id 999 is not the file's settlement 905"],
      [8, '26 fields where the header has 24'],
    ]);
    expect(file.quarantined[0]?.raw).toContain('12.x');
  });

  it('refuses a file that is not a settlement, naming the columns it lacks', async () => {
    await expect(read(Buffer.from('amazon-order-id\tpurchase-date\n1\t2\n'))).rejects.toThrow(
      /lacks settlement-id, total-amount/,
    );
    await expect(read(Buffer.from(`${V2_HEADER}\n1\t\t\t\t\tUSD\tOrder\n`))).rejects.toThrow(
      SettlementFormatError,
    );
  });
});
