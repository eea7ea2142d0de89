import { readFileSync } from 'node:fs';
import { amazonXsdDirectory } from '../amazon/feed-schema.js';

let codes: Set<string> | undefined;

/** Amazon's CarrierCode list, read from the same XSD that validates fulfillment feeds. */
export function knownCarrierCodes(): Set<string> {
  if (!codes) {
    const base = readFileSync(`${amazonXsdDirectory()}amzn-base.xsd`, 'utf8');
    const start = base.indexOf('<xsd:element name="CarrierCode">');
    const end = base.indexOf('</xsd:element>', start);
    codes = new Set(
      [...base.slice(start, end).matchAll(/<xsd:enumeration value="([^"]+)"\/>/g)].map(
        (match) => match[1] ?? '',
      ),
    );
  }
  return codes;
}
