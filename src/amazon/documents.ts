import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { pipeline, type Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { StoppedError, waitUnlessStopped } from '../shared/abort.js';
import type { Logger } from '../shared/logger.js';
import { transientBackoffMs, type RetryPolicy } from './call.js';
import { AmazonError, type AmazonErrorKind } from './errors.js';
import type { DocumentLocation, DocumentStream } from './port.js';

/**
 * Report, feed and result documents travel over presigned URLs that the API returned, not over SP-API,
 * so no rate limit or access token applies. This goes around the `amazon-sp-api` package: its
 * `downloadStream` always uses https on port 443 and ignores `https_proxy_agent`, its `download` buffers
 * the whole document, and neither reports the HTTP status. Here the URL is used as given (http or https),
 * the body is a stream, and failures are classified like the API's.
 */

export interface TransferSettings {
  policy: RetryPolicy;
  timeoutMs: number;
  logger: Logger;
  /** Aborting it ends the transfer, a back-off or the stream being read at once. */
  signal?: AbortSignal | undefined;
}

interface Transfer {
  operation: string;
  url: string;
  method: 'GET' | 'PUT';
  headers?: Record<string, string>;
  body?: Buffer;
}

function send(
  transfer: Transfer,
  timeoutMs: number,
  signal: AbortSignal | undefined,
): Promise<IncomingMessage> {
  const url = new URL(transfer.url);
  const requestFn = url.protocol === 'http:' ? httpRequest : httpsRequest;
  const options = { method: transfer.method, headers: transfer.headers ?? {}, ...(signal ? { signal } : {}) };
  return new Promise((resolve, reject) => {
    const req = requestFn(url, options, resolve);
    req.setTimeout(timeoutMs, () =>
      req.destroy(Object.assign(new Error('document transfer timed out'), { code: 'ETIMEDOUT' })),
    );
    req.on('error', reject);
    req.end(transfer.body);
  });
}

async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

function kindOfStatus(status: number): AmazonErrorKind {
  if (status >= 500 || status === 408) return 'transient';
  // An expired presigned URL answers 403: a fresh one comes from getReportDocument / getFeedDocument.
  if (status === 403 || status === 404) return 'not_found';
  return 'invalid_request';
}

/** Sends with bounded retries on 5xx and network errors; resolves with a 2xx response, body unread. */
async function transfer(settings: TransferSettings, details: Transfer): Promise<IncomingMessage> {
  for (let attempt = 1; ; attempt++) {
    let error: AmazonError;
    try {
      const response = await send(details, settings.timeoutMs, settings.signal);
      const status = response.statusCode ?? 0;
      if (status >= 200 && status < 300) return response;
      const text = (await readAll(response)).toString('utf8').slice(0, 500);
      error = new AmazonError(`document ${details.method} answered HTTP ${status}`, {
        kind: kindOfStatus(status),
        operation: details.operation,
        status,
        details: text,
      });
    } catch (err) {
      if (settings.signal?.aborted) throw new StoppedError(`${details.operation}: stopped for shutdown`);
      const code = (err as { code?: unknown }).code;
      error = new AmazonError((err as Error).message, {
        kind: 'transient',
        operation: details.operation,
        code: typeof code === 'string' ? code : undefined,
      });
    }
    if (error.kind !== 'transient' || attempt > settings.policy.transientRetries) throw error;
    const backoffMs = transientBackoffMs(settings.policy, attempt);
    settings.logger.warn(
      { operation: details.operation, status: error.status, code: error.code, backoffMs },
      'document transfer failed; retrying',
    );
    await waitUnlessStopped(backoffMs, settings.signal, details.operation);
  }
}

export async function downloadDocument(
  settings: TransferSettings,
  location: DocumentLocation,
): Promise<DocumentStream> {
  const response = await transfer(settings, {
    operation: 'downloadDocument',
    url: location.url,
    method: 'GET',
  });
  const contentType = response.headers['content-type'];
  if (location.compressionAlgorithm === undefined) return Object.assign(response, { contentType });
  if (location.compressionAlgorithm !== 'GZIP') {
    response.destroy();
    throw new AmazonError(`unknown compressionAlgorithm ${location.compressionAlgorithm}`, {
      kind: 'invalid_request',
      operation: 'downloadDocument',
    });
  }
  // pipeline passes a failure of either side to the returned stream, where the reader sees it.
  return Object.assign(
    pipeline(response, createGunzip(), () => undefined),
    { contentType },
  );
}

export async function downloadBytes(settings: TransferSettings, url: string): Promise<Buffer> {
  return readAll(await transfer(settings, { operation: 'downloadCustomization', url, method: 'GET' }));
}

export async function uploadDocument(
  settings: TransferSettings,
  url: string,
  contentType: string,
  content: string | Buffer,
): Promise<void> {
  const body = typeof content === 'string' ? Buffer.from(content, 'utf8') : content;
  const response = await transfer(settings, {
    operation: 'uploadFeedDocument',
    url,
    method: 'PUT',
    headers: { 'content-type': contentType, 'content-length': String(body.length) },
    body,
  });
  response.resume();
}
