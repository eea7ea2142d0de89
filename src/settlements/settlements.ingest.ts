import type { Readable } from 'node:stream';
import type { Db } from '../db/client.js';
import { decodeSettlementBytes } from './decode.js';
import { SettlementFormatError } from './flat-file.columns.js';
import { readSettlementFlatFile } from './flat-file.js';
import type { QuarantinedRow, SettlementFormat, SettlementLine } from './flat-file.types.js';
import { releaseQuarantined, upsertLines, upsertQuarantined } from './settlement-lines.repository.js';
import {
  addChangedRows,
  finishSettlement,
  startSettlement,
  type FinishedSettlement,
  type StartedSettlement,
} from './settlements.repository.js';

/** Lines per transaction: a few hundred statements for a million-line file, little held in memory. */
export const INGEST_BATCH_SIZE = 4000;

export interface IngestOptions {
  companyId: number;
  /** `report:<reportId>` or `file:<name>`. */
  source: string;
  /** The document's declared charset (its Content-Type), when known. */
  charset?: string | undefined;
  batchSize?: number;
  /** The app's clock: the settlement's ingested_at. */
  now: () => Date;
  /** Checked between batches: a stopping run ends at a safe point; its rerun writes the same rows. */
  stopIfAborted?: () => void;
  /** Told the lines committed so far after each batch. */
  onBatch?: (linesSoFar: number) => void;
}

export interface IngestOutcome extends FinishedSettlement {
  settlementPk: number;
  settlementId: string;
  format: SettlementFormat;
  encoding: string;
}

interface Batch {
  lines: SettlementLine[];
  quarantined: QuarantinedRow[];
}

async function commitBatch(db: Db, started: StartedSettlement, batch: Batch): Promise<number> {
  await db.transaction().execute(async (tx) => {
    let changed = await upsertLines(tx, started.pk, batch.lines);
    changed += await upsertQuarantined(tx, started.pk, batch.quarantined);
    if (started.hadQuarantined)
      changed += await releaseQuarantined(tx, started.pk, [...new Set(batch.lines.map((line) => line.line))]);
    if (started.reissue) await addChangedRows(tx, started.pk, changed);
  });
  return batch.lines.length;
}

/**
 * Writes one settlement file into Postgres as it streams: bytes → gunzip → decode → rows → batches,
 * each committed on its own while the next is read. Exactly once per settlement-id: the same file again
 * changes nothing; a reissued file replaces the earlier one and what it changed is recorded. Killed
 * anywhere, running it again gives the same rows once.
 */
export async function ingestSettlement(
  db: Db,
  bytes: Readable,
  options: IngestOptions,
): Promise<IngestOutcome> {
  const batchSize = options.batchSize ?? INGEST_BATCH_SIZE;
  const { text, encoding } = await decodeSettlementBytes(bytes, options.charset);
  let started: StartedSettlement | undefined;
  let settlementId = '';
  let format: SettlementFormat = 'v2';
  let batch: Batch = { lines: [], quarantined: [] };
  let lastLine = 0;
  let committed = 0;
  let inFlight: Promise<void> = Promise.resolve();
  const flush = async () => {
    await inFlight;
    options.stopIfAborted?.();
    if (!started || (batch.lines.length === 0 && batch.quarantined.length === 0)) return;
    inFlight = commitBatch(db, started, batch).then((lines) => {
      committed += lines;
      options.onBatch?.(committed);
    });
    // A failure surfaces at the next flush (or the last); this keeps it from going unhandled meanwhile.
    inFlight.catch(() => undefined);
    batch = { lines: [], quarantined: [] };
  };
  try {
    for await (const event of readSettlementFlatFile(text)) {
      if (event.kind === 'summary') {
        format = event.format;
        settlementId = event.summary.settlementId;
        lastLine = event.summary.line;
        started = await startSettlement(db, options.companyId, format, event.summary, options.source);
        continue;
      }
      if (event.kind === 'line') {
        batch.lines.push(event.line);
        lastLine = event.line.line;
      } else {
        batch.quarantined.push(event.row);
        lastLine = event.row.line;
      }
      if (batch.lines.length + batch.quarantined.length >= batchSize) await flush();
    }
    await flush();
    await inFlight;
  } finally {
    await inFlight.catch(() => undefined);
    text.destroy();
  }
  if (!started) throw new SettlementFormatError('the file has no summary row');
  const finished = await finishSettlement(db, started.pk, lastLine, options.now());
  return { ...finished, settlementPk: started.pk, settlementId, format, encoding };
}
