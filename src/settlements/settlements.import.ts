import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { basename } from 'node:path';
import type { Readable } from 'node:stream';
import type { AuditChange } from '../audit/audit.repository.js';
import type { Db } from '../db/client.js';
import { UsageError } from '../shared/errors.js';
import { CharsetError, encodingOf } from './decode.js';
import { SettlementFormatError } from './flat-file.columns.js';
import { ingestSettlement, type IngestOutcome } from './settlements.ingest.js';
import { reconcileSettlement, type ReconcileCounts } from './settlements.reconcile.js';

export type ImportOutcome = IngestOutcome & { reconciled: ReconcileCounts };

export interface ImportedFile {
  /** Its name, kept as the settlement's source (`file:<name>`). */
  name: string;
  bytes: () => Readable;
  charset?: string | undefined;
  /** The field a refusal names: `file` for the CLI, `body` for an upload. */
  field: string;
  /** The option a wrong charset names. */
  charsetField: string;
}

/** zlib's refusal of a cut or corrupt gzip stream (`Z_BUF_ERROR`, `Z_DATA_ERROR`). */
function isGzipError(err: unknown): err is Error {
  const code = (err as { code?: unknown } | null)?.code;
  return err instanceof Error && typeof code === 'string' && code.startsWith('Z_');
}

/**
 * A settlement file downloaded by hand from Seller Central (V2, or the older V1 flat file; gzipped or
 * not), ingested exactly like one the job finds: the same settlement again changes nothing.
 */
export async function importSettlement(
  db: Db,
  companyId: number,
  file: ImportedFile,
  now: Date,
): Promise<ImportOutcome> {
  if (file.charset !== undefined) {
    try {
      encodingOf(file.charset);
    } catch (err) {
      if (err instanceof CharsetError) throw new UsageError(err.message, { field: file.charsetField });
      throw err;
    }
  }
  try {
    const outcome = await ingestSettlement(db, file.bytes(), {
      companyId,
      source: `file:${file.name}`,
      charset: file.charset,
      now: () => now,
    });
    return { ...outcome, reconciled: await reconcileSettlement(db, companyId, outcome.settlementPk, now) };
  } catch (err) {
    if (err instanceof SettlementFormatError)
      throw new UsageError(`${file.name}: ${err.message}`, { field: file.field });
    if (isGzipError(err))
      throw new UsageError(`${file.name}: not a whole gzip file (${err.message})`, { field: file.field });
    throw err;
  }
}

/** `sellersync settlements import <file>`. */
export async function importSettlementFile(
  db: Db,
  companyId: number,
  path: string,
  now: Date,
  charset?: string,
): Promise<ImportOutcome> {
  const handle = await open(path, 'r').catch((err: NodeJS.ErrnoException) => {
    throw new UsageError(`cannot read ${path} (${err.code ?? err.message})`, { field: 'file' });
  });
  await handle.close();
  return importSettlement(
    db,
    companyId,
    {
      name: basename(path),
      bytes: () => createReadStream(path),
      charset,
      field: 'file',
      charsetField: '--charset',
    },
    now,
  );
}

/** What the audit log keeps of an imported settlement. */
export function settlementImportAudit(companyId: number, outcome: ImportOutcome): AuditChange {
  return {
    action: 'settlement.import',
    companyId,
    detail: {
      settlementId: outcome.settlementId,
      revision: outcome.revision,
      lines: outcome.lineCount,
      changedRows: outcome.changedRows,
      addsUp: outcome.addsUp,
    },
  };
}
