import { PassThrough, pipeline, type Readable, type Transform } from 'node:stream';
import { createGunzip } from 'node:zlib';
import iconv from 'iconv-lite';

/**
 * A settlement document's bytes as text: gunzipped when they are gzip (whatever the listing said), then
 * decoded by the document's charset. Amazon's Content-Type names it (`Cp1252` in the US and Europe,
 * `Shift_JIS`/`cp932` in Japan); without one, UTF-8 unless the first 64 KiB are not valid UTF-8, then
 * Cp1252. A UTF-8 byte-order mark is dropped.
 */

const SNIFF_BYTES = 64 * 1024;

export class CharsetError extends Error {
  override name = 'CharsetError';
}

/** `text/plain;charset=Cp1252` → `Cp1252`. */
export function charsetOfContentType(contentType: string | undefined): string | undefined {
  const match = /;\s*charset="?([^";\s]+)"?/i.exec(contentType ?? '');
  return match?.[1];
}

/** Iconv's name for a charset Amazon declares; throws CharsetError for one it cannot decode. */
export function encodingOf(charset: string): string {
  const name = charset.trim().toLowerCase().replace(/_/g, '-');
  // Amazon's Japanese files are Microsoft's variant of Shift_JIS (cp932), whatever the header says.
  const resolved = ['shift-jis', 'sjis', 'ms932', 'windows-31j', 'cp932'].includes(name) ? 'cp932' : name;
  if (!iconv.encodingExists(resolved))
    throw new CharsetError(`charset ${charset} is not one that can be read`);
  return resolved;
}

/** Reads until `bytes` are buffered (or the end); gives them and a stream that replays them then the rest. */
async function peek(source: Readable, bytes: number): Promise<{ head: Buffer; stream: Readable }> {
  const chunks: Buffer[] = [];
  let length = 0;
  const iterator = source[Symbol.asyncIterator]() as AsyncIterator<Buffer | string>;
  let done = false;
  while (length < bytes) {
    const next = await iterator.next();
    if (next.done) {
      done = true;
      break;
    }
    const chunk = typeof next.value === 'string' ? Buffer.from(next.value) : next.value;
    chunks.push(chunk);
    length += chunk.length;
  }
  const head = Buffer.concat(chunks);
  const stream = new PassThrough();
  stream.write(head);
  if (done) stream.end();
  else
    void (async () => {
      try {
        for (;;) {
          const next = await iterator.next();
          if (next.done) break;
          if (!stream.write(next.value))
            await new Promise<void>((resolve) => {
              const done = () => {
                stream.off('drain', done);
                stream.off('close', done);
                resolve();
              };
              stream.on('drain', done);
              stream.on('close', done);
            });
          if (stream.destroyed) {
            await iterator.return?.();
            return;
          }
        }
        stream.end();
      } catch (err) {
        stream.destroy(err as Error);
      }
    })();
  return { head, stream };
}

function isGzip(head: Buffer): boolean {
  return head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b;
}

function isUtf8(head: Buffer): boolean {
  // The sniffed bytes may end inside a character: leave up to 3 trailing bytes out.
  for (let cut = 0; cut <= 3 && cut <= head.length; cut++) {
    try {
      new TextDecoder('utf-8', { fatal: true }).decode(head.subarray(0, head.length - cut));
      return true;
    } catch {
      // try a shorter prefix
    }
  }
  return false;
}

export interface DecodedText {
  text: Readable;
  /** The encoding the bytes were read with. */
  encoding: string;
  gzipped: boolean;
}

/** Bytes (a download or a file) → text, streamed. */
export async function decodeSettlementBytes(source: Readable, charset?: string): Promise<DecodedText> {
  const encoding = charset === undefined ? undefined : encodingOf(charset);
  const first = await peek(source, 2);
  const gzipped = isGzip(first.head);
  let bytes = first.stream;
  if (gzipped) bytes = pipeline(bytes, createGunzip(), () => undefined);
  let chosen = encoding;
  if (chosen === undefined) {
    const sniffed = await peek(bytes, SNIFF_BYTES);
    bytes = sniffed.stream;
    chosen = isUtf8(sniffed.head) ? 'utf-8' : 'windows-1252';
  }
  const decoder = iconv.decodeStream(chosen, { stripBOM: true }) as unknown as Transform;
  const text = pipeline(bytes, decoder, () => undefined);
  return { text, encoding: chosen, gzipped };
}
