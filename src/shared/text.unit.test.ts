import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { escapeUnsafe, hasUnsafeCharacter } from './text.js';

const UNSAFE_SAMPLES = [
  '\u001b',
  '\n',
  '\r',
  '\t',
  '\u0000',
  '\u007f',
  '\u009b',
  '\u202e',
  '\u2066',
  '\u200f',
];

describe('terminal-safe text', () => {
  it('escaped text never holds an unsafe character, and safe text is left as it is', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (text) => {
        const escaped = escapeUnsafe(text);
        expect(hasUnsafeCharacter(escaped)).toBe(false);
        if (!hasUnsafeCharacter(text)) expect(escaped).toBe(text);
      }),
    );
  });

  it('flags controls, ANSI escapes and direction overrides, and writes them as readable escapes', () => {
    for (const c of UNSAFE_SAMPLES) expect(hasUnsafeCharacter(`a${c}b`), JSON.stringify(c)).toBe(true);
    expect(escapeUnsafe('\u001b[31mred\n\u202e')).toBe('\\e[31mred\\n\\u202e');
    expect(hasUnsafeCharacter('Müller & Söhne — 東京')).toBe(false);
  });
});
