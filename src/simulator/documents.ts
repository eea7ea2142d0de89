import { gzipSync } from 'node:zlib';
import type { SimDocument } from './records.js';
import type { SimulationState } from './types.js';

/** Keeps a document the simulator serves (a report, a feed result), gzipped when Amazon would. */
export function storeDocument(
  sim: SimulationState,
  sellerId: string,
  purpose: SimDocument['purpose'],
  contentType: string,
  content: string | Buffer,
  compress: boolean,
  at: Date,
): SimDocument {
  const data = typeof content === 'string' ? Buffer.from(content, 'utf8') : content;
  const document: SimDocument = {
    documentId: sim.store.newDocumentId(),
    sellerId,
    purpose,
    contentType,
    content: compress ? gzipSync(data) : data,
    compressed: compress,
    createdTime: at,
  };
  sim.store.documents.set(document.documentId, document);
  return document;
}

/** A presigned-style URL on the simulator, valid for a few (simulated) minutes like Amazon's S3 links. */
export function documentUrl(
  sim: SimulationState,
  documentId: string,
  now: Date,
  direction: 'download' | 'upload',
): string {
  const expires = now.getTime() + sim.settings.documentUrlTtlMs;
  return `${sim.baseUrl}/_sim/documents/${encodeURIComponent(documentId)}?direction=${direction}&Expires=${expires}`;
}
