import { inflateRawSync } from 'node:zlib';

/**
 * Amazon Custom: the customization zip holds a JSON document (and sometimes images). We keep the JSON as
 * is and derive a one-line-per-choice summary for the order's note, e.g. `Engraving: "For Anna"`.
 */

const END_OF_CENTRAL_DIRECTORY = 0x06054b50;
const CENTRAL_DIRECTORY_ENTRY = 0x02014b50;

export class CustomizationError extends Error {
  override name = 'CustomizationError';
}

/** The files of a zip archive (stored or deflated entries), read from its central directory. */
export function readZipEntries(zip: Buffer): Map<string, Buffer> {
  let end = -1;
  for (let i = zip.length - 22; i >= Math.max(0, zip.length - 65_557); i--) {
    if (zip.readUInt32LE(i) === END_OF_CENTRAL_DIRECTORY) {
      end = i;
      break;
    }
  }
  if (end < 0) throw new CustomizationError('customization download is not a zip archive');
  const count = zip.readUInt16LE(end + 10);
  let offset = zip.readUInt32LE(end + 16);
  const entries = new Map<string, Buffer>();
  for (let n = 0; n < count; n++) {
    if (zip.readUInt32LE(offset) !== CENTRAL_DIRECTORY_ENTRY)
      throw new CustomizationError('zip central directory is damaged');
    const method = zip.readUInt16LE(offset + 10);
    const compressedSize = zip.readUInt32LE(offset + 20);
    const nameLength = zip.readUInt16LE(offset + 28);
    const extraLength = zip.readUInt16LE(offset + 30);
    const commentLength = zip.readUInt16LE(offset + 32);
    const localOffset = zip.readUInt32LE(offset + 42);
    const name = zip.toString('utf8', offset + 46, offset + 46 + nameLength);
    const dataStart =
      localOffset + 30 + zip.readUInt16LE(localOffset + 26) + zip.readUInt16LE(localOffset + 28);
    const data = zip.subarray(dataStart, dataStart + compressedSize);
    if (method === 0) entries.set(name, data);
    else if (method === 8) entries.set(name, inflateRawSync(data));
    offset += 46 + nameLength + extraLength + commentLength;
  }
  return entries;
}

/**
 * One node of the customization JSON. Version 3.0 areas carry `text`, `fontFamily`, `colorName` (and
 * `fill`) or an `optionValue`; the older `customizationData` tree carries `inputValue`, `fontSelection`,
 * `colorSelection`, `optionSelection` and `displayValue`.
 */
interface Area {
  label?: string;
  name?: string;
  text?: string;
  inputValue?: string;
  optionValue?: string;
  displayValue?: string;
  optionSelection?: { label?: string; name?: string };
  fontFamily?: string;
  fontSelection?: { family?: string; name?: string };
  colorName?: string;
  fill?: string;
  colorSelection?: { name?: string; value?: string };
  children?: Area[];
  areas?: Area[];
  surfaces?: Area[];
}

function describe(area: Area): string[] {
  const label = area.label ?? area.name;
  const text = area.text ?? area.inputValue;
  const option =
    area.optionValue ?? area.displayValue ?? area.optionSelection?.label ?? area.optionSelection?.name;
  const font = area.fontFamily ?? area.fontSelection?.family ?? area.fontSelection?.name;
  const colour = area.colorName ?? area.colorSelection?.name ?? area.fill ?? area.colorSelection?.value;
  const style = [font && `font ${font}`, colour && `colour ${colour}`].filter(Boolean).join(', ');
  const value = text !== undefined ? `"${text}"` : option;
  const own =
    label && value !== undefined
      ? [`${label}: ${value}${style ? ` (${style})` : ''}`]
      : label && style
        ? [`${label}: ${style}`]
        : [];
  const nested = [...(area.surfaces ?? []), ...(area.areas ?? []), ...(area.children ?? [])];
  return [...own, ...nested.flatMap(describe)];
}

/** Reads Amazon's customization JSON (`customizationInfo` → `version3.0` surfaces, or the older `customizationData` tree). */
export function summarizeCustomization(json: string): string {
  const document = JSON.parse(json) as {
    'version3.0'?: { customizationInfo?: Area };
    customizationInfo?: Area & { 'version3.0'?: Area };
    customizationData?: Area;
  };
  const outer = document['version3.0']?.customizationInfo ?? document.customizationInfo;
  const info = (outer as { 'version3.0'?: Area } | undefined)?.['version3.0'] ?? outer;
  const lines = info
    ? describe(info)
    : document.customizationData
      ? describe(document.customizationData)
      : [];
  return lines.length > 0 ? lines.join('; ') : 'Amazon Custom: see customization data';
}

/** The JSON document of a customization zip and its summary. */
export function readCustomization(zip: Buffer): { summary: string; raw: string } {
  const entries = readZipEntries(zip);
  const jsonEntry = [...entries.entries()].find(([name]) => name.toLowerCase().endsWith('.json'));
  if (!jsonEntry) throw new CustomizationError('customization zip holds no JSON document');
  const raw = jsonEntry[1].toString('utf8');
  return { summary: summarizeCustomization(raw), raw };
}
