import fc from 'fast-check';
import { strToU8, zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import {
  CustomizationError,
  MAX_CUSTOMIZATION_JSON_BYTES,
  readCustomization,
  readJsonEntry,
} from './customization.js';

const MiB = 1024 * 1024;

/** A tiny archive whose JSON entry inflates to `bytes` of blanks. */
function jsonBomb(bytes: number, extra: Record<string, Uint8Array> = {}): Uint8Array {
  return zipSync({ ...extra, '12345678901234.json': new Uint8Array(bytes).fill(0x20) }, { level: 9 });
}

/** Local header and central directory both claim the entry inflates to `claimed` bytes. */
function lyingAboutSize(zip: Uint8Array, claimed: number): Uint8Array {
  const copy = Buffer.from(zip);
  copy.writeUInt32LE(claimed, 22);
  const central = copy.indexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02]));
  copy.writeUInt32LE(claimed, central + 24);
  return copy;
}

describe('reading a customization zip', () => {
  it('returns the JSON document whatever it holds and however it is compressed, beside images', () => {
    fc.assert(
      fc.property(
        fc.json(),
        fc.constantFrom(0, 1, 6, 9),
        fc.uint8Array({ maxLength: 4096 }),
        (json, level, image) => {
          const zip = zipSync({ 'preview.png': image, '12345678901234.json': strToU8(json) }, { level });
          expect(readJsonEntry(zip).toString('utf8')).toBe(json);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('refuses a zip bomb: a tiny archive inflating beyond the cap', () => {
    const bomb = jsonBomb(64 * MiB);
    expect(bomb.length).toBeLessThan(100 * 1024);
    expect(() => readCustomization(bomb)).toThrow(CustomizationError);
    expect(() => readCustomization(bomb)).toThrow(
      `customization zip entry 12345678901234.json inflates beyond ${MAX_CUSTOMIZATION_JSON_BYTES} bytes; refused`,
    );
  });

  it('refuses a bomb whose headers claim a small size: the inflated bytes are counted, not the claim', () => {
    expect(() => readJsonEntry(lyingAboutSize(jsonBomb(12 * MiB), 100))).toThrow(/inflates beyond/);
  });

  it('reads a JSON document up to the cap, and skips a bomb in an image entry without inflating it', () => {
    const exactly = zipSync({ 'a.json': new Uint8Array(MAX_CUSTOMIZATION_JSON_BYTES).fill(0x20) });
    expect(readJsonEntry(exactly)).toHaveLength(MAX_CUSTOMIZATION_JSON_BYTES);
    const imageBomb = { 'preview.png': new Uint8Array(64 * MiB) };
    const zip = zipSync({ ...imageBomb, 'a.json': strToU8('{"ok":true}') }, { level: 9 });
    expect(readJsonEntry(zip).toString('utf8')).toBe('{"ok":true}');
  });

  it('names what is wrong with an archive it cannot read', () => {
    expect(() => readJsonEntry(strToU8('<html>Sign in</html>'))).toThrow(
      'customization download is not a zip archive',
    );
    expect(() => readJsonEntry(zipSync({ 'preview.png': new Uint8Array(10) }))).toThrow(
      'customization zip holds no JSON document',
    );
    const whole = zipSync({ 'a.json': strToU8(JSON.stringify({ text: 'x'.repeat(5000) })) }, { level: 0 });
    expect(() => readJsonEntry(whole.subarray(0, 200))).toThrow(CustomizationError);
    expect(() => readCustomization(zipSync({ 'a.json': strToU8('{not json') }))).toThrow(
      /customization JSON is not valid JSON/,
    );
  });
});
