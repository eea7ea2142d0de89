/**
 * Amazon's XML feed envelope: a header, one MessageType, and numbered messages. Every value passes
 * through `escapeXml`; bodies are built with `element`, so no caller writes markup by hand.
 */

/** Amazon's recommended upper bound for one feed document (Feeds API best practices: 10 MiB). */
export const MAX_FEED_BYTES = 10 * 1024 * 1024;

// XML 1.0 allows tab, LF, CR and everything from U+0020 except surrogates and U+FFFE/U+FFFF.
const INVALID_XML_CHARACTER = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/u;

export class XmlValueError extends Error {
  override name = 'XmlValueError';
}

export function escapeXml(value: string): string {
  if (INVALID_XML_CHARACTER.test(value)) {
    throw new XmlValueError(`value ${JSON.stringify(value)} holds a character XML cannot carry`);
  }
  return value
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

export type XmlChild = string | number | null | undefined | XmlFragment;

/** Markup produced by `element`: the only strings inserted unescaped. */
export class XmlFragment {
  constructor(readonly markup: string) {}
}

/** `<name>value</name>` with the value escaped, or children joined; null/undefined children are left out. */
export function element(name: string, ...children: XmlChild[]): XmlFragment {
  const inner = children
    .filter((child): child is string | number | XmlFragment => child !== null && child !== undefined)
    .map((child) => (child instanceof XmlFragment ? child.markup : escapeXml(String(child))))
    .join('');
  return new XmlFragment(`<${name}>${inner}</${name}>`);
}

/** `<name a="v">…</name>`: `element` with attributes, every attribute value escaped. */
export function elementWithAttributes(
  name: string,
  attributes: Record<string, string>,
  ...children: XmlChild[]
): XmlFragment {
  const attrs = Object.entries(attributes)
    .map(([key, value]) => ` ${key}="${escapeXml(value)}"`)
    .join('');
  const inner = element(name, ...children).markup.slice(name.length + 2);
  return new XmlFragment(`<${name}${attrs}>${inner}`);
}

/** An optional element: left out when the value is null or undefined. */
export function optionalElement(name: string, value: string | number | null | undefined): XmlFragment | null {
  return value === null || value === undefined ? null : element(name, value);
}

export interface EnvelopeHeader {
  merchantIdentifier: string;
  messageType: string;
}

const XML_DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>\n';

function envelopeStart(header: EnvelopeHeader): string {
  return (
    XML_DECLARATION +
    '<AmazonEnvelope xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:noNamespaceSchemaLocation="amzn-envelope.xsd">\n' +
    element(
      'Header',
      element('DocumentVersion', '1.01'),
      element('MerchantIdentifier', header.merchantIdentifier),
    ).markup +
    '\n' +
    element('MessageType', header.messageType).markup +
    '\n'
  );
}

const ENVELOPE_END = '</AmazonEnvelope>\n';

function messageMarkup(messageId: number, body: XmlFragment): string {
  return `${element('Message', element('MessageID', messageId), body).markup}\n`;
}

/** One message to send, with what it stands for (recorded as MessageID → entity). */
export interface FeedMessageInput {
  entityKind: string;
  entityId: number;
  body: XmlFragment;
}

export interface FeedDocument {
  content: string;
  /** The messages in this document, MessageID = index + 1. */
  messages: { messageId: number; entityKind: string; entityId: number }[];
}

/**
 * Packs messages into as few documents as the size limit allows, in the order given. MessageIDs are
 * numbered from 1 in each document. A single message larger than the limit is an error.
 */
export function packDocuments(
  header: EnvelopeHeader,
  inputs: FeedMessageInput[],
  maxBytes = MAX_FEED_BYTES,
): FeedDocument[] {
  const start = envelopeStart(header);
  const frameBytes = Buffer.byteLength(start) + Buffer.byteLength(ENVELOPE_END);
  const documents: FeedDocument[] = [];
  let parts: string[] = [];
  let messages: FeedDocument['messages'] = [];
  let bytes = frameBytes;
  const flush = () => {
    if (messages.length === 0) return;
    documents.push({ content: start + parts.join('') + ENVELOPE_END, messages });
    parts = [];
    messages = [];
    bytes = frameBytes;
  };
  for (const input of inputs) {
    let markup = messageMarkup(messages.length + 1, input.body);
    if (bytes + Buffer.byteLength(markup) > maxBytes && messages.length > 0) {
      flush();
      markup = messageMarkup(1, input.body);
    }
    const size = Buffer.byteLength(markup);
    if (frameBytes + size > maxBytes) {
      throw new XmlValueError(
        `one ${input.entityKind} message (${input.entityId}) is larger than a feed may be`,
      );
    }
    parts.push(markup);
    bytes += size;
    messages.push({ messageId: messages.length + 1, entityKind: input.entityKind, entityId: input.entityId });
  }
  flush();
  return documents;
}
