import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { memoryPages, validateXML, type XMLFileInfo } from 'xmllint-wasm';

/**
 * Validates order feeds (and processing reports) against Amazon's XSDs before they leave us, with the
 * `order-feeds-envelope.xsd` wrapper: Amazon's own envelope pulls in ~90 product schemas that are not
 * public, the wrapper allows only the order message types. libxml2 runs as WebAssembly, no system install.
 */

const ENVELOPE = 'order-feeds-envelope.xsd';
const INCLUDED = [
  'amzn-base.xsd',
  'amzn-header.xsd',
  'OrderAcknowledgement.xsd',
  'OrderAdjustment.xsd',
  'OrderFulfillment.xsd',
  'ProcessingReport.xsd',
];

export interface FeedValidation {
  valid: boolean;
  /** libxml2's messages with the line number, e.g. `feed.xml:12: Schemas validity error : Element 'CancelReason': ...`. */
  errors: string[];
}

/** The folder holding Amazon's XSDs: beside `src/` in a checkout, beside `dist/` in a build. */
export function amazonXsdDirectory(): string {
  const candidates = ['../../assets/amazon-xsd/', '../../../assets/amazon-xsd/'].map((relative) =>
    fileURLToPath(new URL(relative, import.meta.url)),
  );
  const found = candidates.find((candidate) => existsSync(`${candidate}${ENVELOPE}`));
  if (!found) throw new Error(`Amazon XSDs not found (looked in ${candidates.join(', ')})`);
  return found;
}

let schemaFiles: { schema: XMLFileInfo; preload: XMLFileInfo[] } | undefined;

function loadSchemaFiles(): { schema: XMLFileInfo; preload: XMLFileInfo[] } {
  if (!schemaFiles) {
    const directory = amazonXsdDirectory();
    const read = (fileName: string): XMLFileInfo => ({
      fileName,
      contents: readFileSync(`${directory}${fileName}`, 'utf8'),
    });
    schemaFiles = { schema: read(ENVELOPE), preload: INCLUDED.map(read) };
  }
  return schemaFiles;
}

/** Checks an XML order feed against Amazon's schemas; ill-formed XML is reported the same way. */
export async function validateOrderFeed(xml: string): Promise<FeedValidation> {
  const { schema, preload } = loadSchemaFiles();
  const result = await validateXML({
    xml: [{ fileName: 'feed.xml', contents: xml }],
    schema: [schema],
    preload,
    // libxml2's default 32 MiB runs out on feeds of about 10 MB; memory grows only as far as a document needs.
    maxMemoryPages: memoryPages.GiB,
  });
  // xmllint repeats the offending source line as a separate entry without a location; keep the located ones.
  const located = result.errors.filter((error) => error.loc !== null).map((error) => error.rawMessage);
  const errors = located.length > 0 ? located : result.errors.map((error) => error.rawMessage);
  return { valid: result.valid, errors: result.valid ? [] : errors };
}
