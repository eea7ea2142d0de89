import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { basename } from 'node:path';
import type { Db } from '../db/client.js';
import { UsageError } from '../shared/errors.js';
import { CharsetError, encodingOf } from './decode.js';
import { SettlementFormatError } from './flat-file.columns.js';
import { ingestSettlement, type IngestOutcome } from './settlements.ingest.js';
import { reconcileSettlement, type ReconcileCounts } from './settlements.reconcile.js';

/**
 * A settlement file downloaded by hand from Seller Central (V2, or the older V1 flat file; gzipped or
 * not), ingested exactly like one the job finds: the same settlement again changes nothing.
 */
export async function importSettlementFile(
  db: Db,
  companyId: number,
  path: string,
  charset?: string,
): Promise<IngestOutcome & { reconciled: ReconcileCounts }> {
  if (charset !== undefined) {
    try {
      encodingOf(charset);
    } catch (err) {
      if (err instanceof CharsetError) throw new UsageError(err.message, { field: '--charset' });
      throw err;
    }
  }
  const handle = await open(path, 'r').catch((err: NodeJS.ErrnoException) => {
    throw new UsageError(`cannot read ${path} (${err.code ?? err.message})`, { field: 'file' });
  });
  await handle.close();
  try {
    const outcome = await ingestSettlement(db, createReadStream(path), {
      companyId,
      source: `file:${basename(path)}`,
      charset,
    });
    return { ...outcome, reconciled: await reconcileSettlement(db, companyId, outcome.settlementPk) };
  } catch (err) {
    if (err instanceof SettlementFormatError)
      throw new UsageError(`${path}: ${err.message}`, { field: 'file' });
    throw err;
  }
}
