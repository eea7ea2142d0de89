/**
 * Characters that change how a terminal shows text rather than being shown: C0 and C1 controls (newlines,
 * ESC of ANSI sequences), DEL, and the bidirectional marks, embeddings, overrides and isolates.
 */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

export function hasUnsafeCharacter(value: string): boolean {
  return new RegExp(UNSAFE.source).test(value);
}

const NAMED: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t', '\u001b': '\\e' };

/** The text with every unsafe character written as an escape (\n, \e, \u202e), so it shows as what it is. */
export function escapeUnsafe(value: string): string {
  return value.replace(UNSAFE, (c) => NAMED[c] ?? `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
