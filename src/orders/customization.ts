import { Unzip, UnzipInflate, UnzipPassThrough } from 'fflate';

/**
 * Amazon Custom: the customization zip holds a JSON document (and sometimes images). We keep the JSON as
 * is and derive a one-line-per-choice summary for the order's note, e.g. `Engraving: "For Anna"`.
 */

/** A customization JSON is a few kilobytes; one inflating beyond this is refused (a zip bomb). */
export const MAX_CUSTOMIZATION_JSON_BYTES = 10 * 1024 * 1024;
/**
 * The archive is fed to the inflater in slices this small: deflate expands at most ~1032:1, so no
 * single inflated chunk is much above 1 MiB before the cap is checked.
 */
const SLICE_BYTES = 1024;
const LOCAL_FILE_HEADER = [0x50, 0x4b, 0x03, 0x04];

export class CustomizationError extends Error {
  override name = 'CustomizationError';
}

const isJson = (name: string) => name.toLowerCase().endsWith('.json');

/**
 * The first JSON document of a customization zip (stored or deflated), inflated up to `maxBytes`: an
 * entry inflating beyond it is refused as soon as it does, whatever its header claims. Other entries
 * (images) are skipped without being inflated.
 */
export function readJsonEntry(zip: Uint8Array, maxBytes = MAX_CUSTOMIZATION_JSON_BYTES): Buffer {
  if (!LOCAL_FILE_HEADER.every((byte, index) => zip[index] === byte))
    throw new CustomizationError('customization download is not a zip archive');
  const chunks: Uint8Array[] = [];
  let size = 0;
  let found: string | undefined;
  let problem: CustomizationError | undefined;
  let complete = false;
  const unzip = new Unzip((file) => {
    if (found !== undefined || !isJson(file.name)) return;
    found = file.name;
    file.ondata = (err, chunk, final) => {
      if (problem) return;
      if (err) {
        problem = new CustomizationError(`customization zip entry ${file.name} is damaged: ${err.message}`);
        return;
      }
      size += chunk.length;
      if (size > maxBytes) {
        problem = new CustomizationError(
          `customization zip entry ${file.name} inflates beyond ${maxBytes} bytes; refused`,
        );
        file.terminate();
        return;
      }
      chunks.push(chunk);
      if (final) complete = true;
    };
    file.start();
  });
  unzip.register(UnzipPassThrough);
  unzip.register(UnzipInflate);
  try {
    for (let at = 0; at < zip.length && !problem && !complete; at += SLICE_BYTES)
      unzip.push(zip.subarray(at, at + SLICE_BYTES), at + SLICE_BYTES >= zip.length);
  } catch (err) {
    throw new CustomizationError(`customization zip is damaged: ${(err as Error).message}`);
  }
  if (problem) throw problem;
  if (found === undefined) throw new CustomizationError('customization zip holds no JSON document');
  if (!complete) throw new CustomizationError(`customization zip entry ${found} is truncated`);
  return Buffer.concat(chunks);
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
export function readCustomization(zip: Uint8Array): { summary: string; raw: string } {
  const raw = readJsonEntry(zip).toString('utf8');
  try {
    return { summary: summarizeCustomization(raw), raw };
  } catch (err) {
    throw new CustomizationError(`customization JSON is not valid JSON: ${(err as Error).message}`);
  }
}

/** What the item's note says of an archive refused: the order is stored, and the problem shown on it. */
export function refusedCustomization(error: CustomizationError): { summary: string; raw: null } {
  return { summary: `Amazon Custom: customization not read: ${error.message}`, raw: null };
}
